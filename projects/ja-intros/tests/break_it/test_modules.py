"""Break the nn.Module behaviours the modules claims observe, and see each claim fail."""

import functools

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim

from torchclaims.testing import breaks


@breaks("modules.one-conv-net-repr")
def test_conv_repr_without_arguments(monkeypatch):
    monkeypatch.setattr(nn.Conv2d, "extra_repr", lambda self: f"{self.in_channels}, {self.out_channels}")


@breaks("modules.one-conv-net-named-parameters")
def test_conv_without_bias(monkeypatch):
    monkeypatch.setattr(nn, "Conv2d", functools.partial(nn.Conv2d, bias=False))


@breaks("modules.parameters-are-learnable")
def test_parameters_yield_detached_tensors(monkeypatch):
    real = nn.Module.parameters
    monkeypatch.setattr(nn.Module, "parameters", lambda self, recurse=True: (p.detach() for p in real(self, recurse)))


@breaks("modules.batchnorm-affine-starts-ones-zeros")
def test_batchnorm_weight_starts_at_half(monkeypatch):
    monkeypatch.setattr(torch.nn.init, "ones_", lambda tensor: torch.nn.init.constant_(tensor, 0.5))


@breaks("modules.state-dict-keys")
def test_batchnorm_without_running_stats(monkeypatch):
    monkeypatch.setattr(nn, "BatchNorm2d", functools.partial(nn.BatchNorm2d, track_running_stats=False))


@breaks("modules.state-dict-keys-are-parameter-names")
def test_batchnorm_keeps_no_buffers(monkeypatch):
    # torch behaving as the material says (no buffers in the state_dict): the claim must then fail until the spec is updated
    monkeypatch.setattr(nn, "BatchNorm2d", functools.partial(nn.BatchNorm2d, track_running_stats=False))


@breaks("modules.state-dict-keys-are-parameter-names")
def test_state_dict_drops_biases(monkeypatch):
    real = nn.Module.state_dict
    monkeypatch.setattr(nn.Module, "state_dict",
                        lambda self, *a, **k: {key: v for key, v in real(self, *a, **k).items() if not key.endswith("bias")})


@breaks("modules.state-dict-maps-layers-to-tensors")
def test_state_dict_keeps_parameters(monkeypatch):
    real = nn.Module.state_dict
    monkeypatch.setattr(nn.Module, "state_dict", lambda self, *a, **k: real(self, keep_vars=True))


@breaks("modules.param-groups-show-all-parameters")
def test_sgd_reverses_params(monkeypatch):
    real = torch.optim.SGD
    monkeypatch.setattr(torch.optim, "SGD", lambda params, lr: real(list(params)[::-1], lr=lr))


@breaks("modules.param-groups-show-all-parameters")
def test_sgd_copies_params(monkeypatch):
    real = torch.optim.SGD
    monkeypatch.setattr(torch.optim, "SGD",
                        lambda params, lr: real([nn.Parameter(p.detach().clone()) for p in params], lr=lr))


@breaks("modules.one-conv-net-output-size")
def test_linear_adds_a_dimension(monkeypatch):
    real = F.linear
    monkeypatch.setattr(F, "linear", lambda *a, **k: real(*a, **k).unsqueeze(0))


@breaks("modules.one-conv-net-size-trace")
def test_max_pool_keeps_flattened_maps(monkeypatch):
    real = F.max_pool2d
    monkeypatch.setattr(F, "max_pool2d", lambda x, *a, **k: real(x, *a, **k).flatten(2))


@breaks("modules.conv2d-arguments")
def test_conv_kernel_one_wide(monkeypatch):
    monkeypatch.setattr(torch.nn.modules.conv, "_pair", lambda x: (x, 1) if isinstance(x, int) else tuple(x))


@breaks("modules.backward-runs-on-output")
def test_modules_get_a_backward_method(monkeypatch):
    monkeypatch.setattr(nn.Module, "backward", lambda self, *a, **k: None, raising=False)


@breaks("modules.backward-runs-on-output")
def test_tensors_lose_backward(monkeypatch):
    monkeypatch.setattr(torch.Tensor, "backward", None)


@breaks("modules.zero-grad-zeroes")
def test_zero_grad_writes_zeros(monkeypatch):
    # torch behaving as the material (and torch 1.x) says: the claim must then fail until the spec is updated
    real = nn.Module.zero_grad
    monkeypatch.setattr(nn.Module, "zero_grad", lambda self, set_to_none=True: real(self, set_to_none=False))


@breaks("modules.nn-only-mini-batches-conv2d")
def test_conv_refuses_unbatched(monkeypatch):
    # torch behaving as the material says: the claim must then fail until the spec is updated
    real = nn.Conv2d.forward

    def batched_only(self, x):
        if x.dim() != 4:
            raise RuntimeError("Expected 4-dimensional input")
        return real(self, x)

    monkeypatch.setattr(nn.Conv2d, "forward", batched_only)


@breaks("modules.add-batch-dimension-remedy")
def test_unsqueeze_adds_nothing(monkeypatch):
    monkeypatch.setattr(torch.Tensor, "unsqueeze", lambda self, dim: self)


@breaks("modules.subclass-must-call-super-init")
def test_setattr_without_init_tolerated(monkeypatch):
    real = nn.Module.__setattr__

    def lenient(self, name, value):
        try:
            real(self, name, value)
        except AttributeError:
            object.__setattr__(self, name, value)

    monkeypatch.setattr(nn.Module, "__setattr__", lenient)


@breaks("modules.python-control-flow-in-forward")
def test_log_is_base_two(monkeypatch):
    monkeypatch.setattr(torch, "log", torch.log2)


@breaks("modules.calling-net-runs-forward")
def test_call_runs_forward_twice(monkeypatch):
    real = nn.Module.__call__

    def twice(self, *args, **kwargs):
        self.forward(*args, **kwargs)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(nn.Module, "__call__", twice)


@breaks("modules.forward-is-user-defined")
def test_default_forward_is_identity(monkeypatch):
    monkeypatch.setattr(nn.Module, "forward", lambda self, x: x)


@breaks("modules.layers-subclass-module")
def test_flatten_is_a_function(monkeypatch):
    monkeypatch.setattr(nn, "Flatten", lambda *a, **k: torch.flatten)


@breaks("modules.parameter-free-layers-are-not-in-nn")
def test_nn_without_parameter_free_layers(monkeypatch):
    # torch behaving as the material says (ReLU and max pooling only in F): the claim must then fail until the spec is updated
    monkeypatch.delattr(nn, "ReLU")
    monkeypatch.delattr(nn, "MaxPool2d")


@breaks("modules.functional-has-no-parameters")
def test_relu_module_learns_a_slope(monkeypatch):
    real = nn.ReLU.__init__

    def with_slope(self, inplace=False):
        real(self, inplace)
        self.slope = nn.Parameter(torch.zeros(1))

    monkeypatch.setattr(nn.ReLU, "__init__", with_slope)


@breaks("modules.relu-forms-give-same-values")
def test_relu_module_leaks(monkeypatch):
    monkeypatch.setattr(nn.ReLU, "forward", lambda self, x: F.leaky_relu(x, 0.01))


@breaks("modules.functional-relu-is-just-a-function")
def test_sequential_takes_any_callable(monkeypatch):
    monkeypatch.setattr(nn.Module, "add_module", lambda self, name, module: self._modules.__setitem__(name, module))


@breaks("modules.relu-module-shows-in-print")
def test_relu_repr_hidden(monkeypatch):
    monkeypatch.setattr(nn.ReLU, "__repr__", lambda self: "Activation()")


@breaks("modules.weight-and-bias-access")
def test_linear_weight_frozen(monkeypatch):
    real = nn.Linear.reset_parameters

    def frozen(self):
        real(self)
        self.weight.requires_grad_(False)

    monkeypatch.setattr(nn.Linear, "reset_parameters", frozen)


@breaks("modules.nn-built-on-autograd")
def test_linear_output_detached(monkeypatch):
    real = F.linear
    monkeypatch.setattr(F, "linear", lambda *a, **k: real(*a, **k).detach())


@breaks("modules.sequential-is-composition")
def test_sequential_skips_last_layer(monkeypatch):
    def forward(self, x):
        for layer in list(self)[:-1]:
            x = layer(x)
        return x

    monkeypatch.setattr(nn.Sequential, "forward", forward)


@breaks("modules.sequential-cnn-stage-shapes")
def test_flatten_keeps_a_channel(monkeypatch):
    monkeypatch.setattr(nn.Flatten, "forward", lambda self, x: x.flatten(1).unsqueeze(1))


# ---- breaks that vary the fields no break above changes (tests/test_break_it_coverage.py)

@breaks("modules.backward-runs-on-output")
def test_modules_given_a_backward_method(monkeypatch):
    monkeypatch.setattr(nn.Module, "backward", lambda self, *args: None, raising=False)


@breaks("modules.weight-and-bias-access")
def test_linear_holding_plain_transposed_tensors(monkeypatch):
    real = nn.Linear.__init__

    def init(self, *args, **kwargs):
        real(self, *args, **kwargs)
        weight, bias = self.weight.detach().t(), self.bias.detach().unsqueeze(0)
        del self.weight, self.bias
        self.weight, self.bias = weight, bias

    monkeypatch.setattr(nn.Linear, "__init__", init)


@breaks("modules.calling-net-runs-forward")
def test_call_adding_one_to_forward(monkeypatch):
    real = nn.Module.__call__
    depth = []

    def call(self, *args, **kwargs):
        depth.append(self)
        try:
            out = real(self, *args, **kwargs)
        finally:
            depth.pop()
        return out + 1 if not depth and isinstance(out, torch.Tensor) else out

    monkeypatch.setattr(nn.Module, "__call__", call)


@breaks("modules.functional-has-no-parameters")
def test_functional_forms_are_modules(monkeypatch):
    monkeypatch.setattr(F, "relu", nn.ReLU())
    monkeypatch.setattr(F, "max_pool2d", nn.MaxPool2d(2))
    monkeypatch.setattr(F, "dropout", nn.Dropout())


@breaks("modules.functional-has-no-parameters")
def test_pooling_and_dropout_modules_learn_a_scale(monkeypatch):
    for module_class in (nn.MaxPool2d, nn.Dropout):
        real = module_class.__init__

        def init(self, *args, real=real, **kwargs):
            real(self, *args, **kwargs)
            self.scale = nn.Parameter(torch.ones(1))

        monkeypatch.setattr(module_class, "__init__", init)


class _NotAModuleClass:
    """What nn.Module would be if nothing subclassed it: not a class, and no class is its subclass."""

    def __subclasscheck__(self, subclass):
        return False


def _nothing_is_a_module(monkeypatch):
    monkeypatch.setattr(nn, "Module", _NotAModuleClass())


@breaks("modules.module-is-base-of-models")
def test_no_model_class_is_a_module(monkeypatch):
    _nothing_is_a_module(monkeypatch)


@breaks("modules.layers-subclass-module")
def test_no_layer_class_is_a_module(monkeypatch):
    _nothing_is_a_module(monkeypatch)


@breaks("modules.torch-nn-provides-layers-losses-activations")
def test_no_loss_class_is_a_module(monkeypatch):
    _nothing_is_a_module(monkeypatch)


@breaks("modules.param-groups-show-all-parameters")
def test_sgd_splitting_params_in_two_groups(monkeypatch):
    real = torch.optim.SGD.__init__

    def init(self, params, *args, **kwargs):
        params = list(params)
        half = len(params) // 2
        real(self, [{"params": params[:half]}, {"params": params[half:]}], *args, **kwargs)

    monkeypatch.setattr(torch.optim.SGD, "__init__", init)


@breaks("modules.batchnorm-affine-starts-ones-zeros")
def test_batchnorm_bias_starting_at_half(monkeypatch):
    real = nn.BatchNorm2d.reset_parameters

    def reset_parameters(self):
        real(self)
        with torch.no_grad():
            self.bias.fill_(0.5)

    monkeypatch.setattr(nn.BatchNorm2d, "reset_parameters", reset_parameters)


@breaks("modules.python-control-flow-in-forward")
def test_size_gives_a_plain_tuple(monkeypatch):
    real = torch.Tensor.size
    monkeypatch.setattr(torch.Tensor, "size", lambda self, *args: tuple(real(self, *args)) if not args else real(self, *args))


@breaks("modules.state-dict-keys")
def test_state_dict_gives_a_plain_dict(monkeypatch):
    real = nn.Module.state_dict
    monkeypatch.setattr(nn.Module, "state_dict", lambda self, *args, **kwargs: dict(real(self, *args, **kwargs)))
