import torch
import torch.nn as nn
import torch.nn.functional as F

from torchclaims.testing import breaks, suite

LeNet = suite("_models", __file__).LeNet  # the class the suites build (patched below)


def _ceiling_max_pool(monkeypatch):
    real = F.max_pool2d

    def max_pool2d(input, kernel_size, *args, **kwargs):
        kwargs["ceil_mode"] = True
        return real(input, kernel_size, *args, **kwargs)

    monkeypatch.setattr(F, "max_pool2d", max_pool2d)


@breaks("lenet.print-net-repr")
def test_conv_repr_without_stride(monkeypatch):
    monkeypatch.setattr(nn.Conv2d, "extra_repr",
                        lambda self: f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}")


@breaks("lenet.ten-parameters-first-conv-shapes")
def test_parameters_skip_biases(monkeypatch):
    real = nn.Module.parameters
    monkeypatch.setattr(nn.Module, "parameters",
                        lambda self, recurse=True: (p for p in real(self, recurse) if p.dim() > 1))


@breaks("lenet.fully-connected-parameter-shapes")
def test_linear_weight_stored_transposed(monkeypatch):
    real = nn.Linear.__init__

    def init(self, in_features, out_features, *args, **kwargs):
        real(self, in_features, out_features, *args, **kwargs)
        self.weight = nn.Parameter(self.weight.detach().t().contiguous())

    monkeypatch.setattr(nn.Linear, "__init__", init)


@breaks("lenet.first-conv-parameter-count")
def test_conv_without_bias(monkeypatch):
    real = nn.Conv2d.__init__

    def init(self, *args, **kwargs):
        kwargs["bias"] = False
        real(self, *args, **kwargs)

    monkeypatch.setattr(nn.Conv2d, "__init__", init)


@breaks("lenet.filter-depth-follows-input")
def test_conv_filters_one_channel_deep(monkeypatch):
    real = nn.Conv2d.__init__

    def init(self, in_channels, out_channels, *args, **kwargs):
        real(self, in_channels, out_channels, *args, **kwargs)
        self.weight = nn.Parameter(self.weight.detach()[:, :1].contiguous())

    monkeypatch.setattr(nn.Conv2d, "__init__", init)
    monkeypatch.setattr(nn.Conv2d, "forward", lambda self, x: F.conv2d(x[:, :1], self.weight, self.bias))


@breaks("lenet.conv-sums-over-channels")
def test_conv_uses_only_first_channel(monkeypatch):
    monkeypatch.setattr(nn.Conv2d, "forward",
                        lambda self, x: F.conv2d(x[:, :1], self.weight[:, :1], self.bias))


@breaks("lenet.linear-is-affine")
def test_linear_ignores_bias(monkeypatch):
    monkeypatch.setattr(nn.Linear, "forward", lambda self, x: x @ self.weight.t())


@breaks("lenet.relu-is-max-x-0")
def test_relu_is_identity(monkeypatch):
    monkeypatch.setattr(F, "relu", lambda x, inplace=False: x)


@breaks("lenet.max-pool-2x2-windows")
def test_max_pool_averages(monkeypatch):
    monkeypatch.setattr(F, "max_pool2d", lambda x, k, *a, **kw: F.avg_pool2d(x, k))


@breaks("lenet.max-pool-single-number")
def test_max_pool_single_number_means_stride_one(monkeypatch):
    real = F.max_pool2d
    monkeypatch.setattr(F, "max_pool2d",
                        lambda x, k, *a, **kw: real(x, k, stride=1) if isinstance(k, int) else real(x, k, *a, **kw))


@breaks("lenet.flatten-to-576")
def test_num_flat_features_forgets_channels(monkeypatch):
    monkeypatch.setattr(LeNet, "num_flat_features", lambda self, x: x.size()[-1] * x.size()[-2])


@breaks("lenet.sixteen-six-six-is-576")
def test_num_flat_features_counts_batch(monkeypatch):
    monkeypatch.setattr(LeNet, "num_flat_features", lambda self, x: x.numel())


@breaks("lenet.thirty-two-works-by-flooring")
def test_pooling_rounds_up(monkeypatch):
    _ceiling_max_pool(monkeypatch)


@breaks("lenet.ten-outputs")
def test_linear_drops_half_its_outputs(monkeypatch):
    real = nn.Linear.forward
    monkeypatch.setattr(nn.Linear, "forward", lambda self, x: real(self, x)[..., : max(1, self.out_features // 2)]
                        if self.out_features == 10 else real(self, x))


@breaks("lenet.resize-layer-is-the-remedy")
def test_adaptive_pool_does_nothing(monkeypatch):
    monkeypatch.setattr(nn.AdaptiveMaxPool2d, "forward", lambda self, x: x)


@breaks("lenet.nn-assumes-minibatches")
def test_conv_normalises_over_the_batch(monkeypatch):
    real = nn.Conv2d.forward
    monkeypatch.setattr(nn.Conv2d, "forward", lambda self, x: real(self, x) - real(self, x).mean(0, keepdim=True))


@breaks("lenet.nn-assumes-minibatches")
def test_conv_keeps_only_the_first_image(monkeypatch):
    real = nn.Conv2d.forward
    monkeypatch.setattr(nn.Conv2d, "forward", lambda self, x: real(self, x[:1]))


@breaks("lenet.output-grad-fn")
def test_linear_by_matmul_and_add(monkeypatch):
    monkeypatch.setattr(nn.Linear, "forward", lambda self, x: x @ self.weight.t() + self.bias)


@breaks("lenet.target-view-matches-output")
def test_view_of_a_vector_gives_a_column(monkeypatch):
    real = torch.Tensor.view
    monkeypatch.setattr(torch.Tensor, "view", lambda self, *shape: real(self, *shape[::-1]) if self.dim() == 1 else real(self, *shape))


@breaks("lenet.target-view-matches-output")
def test_linear_output_loses_the_batch(monkeypatch):
    real = nn.Linear.forward
    monkeypatch.setattr(nn.Linear, "forward", lambda self, x: real(self, x).squeeze(0) if self.out_features == 10 else real(self, x))


@breaks("lenet.without-super-init")
def test_modules_assignable_before_init(monkeypatch):
    monkeypatch.setattr(nn.Module, "__setattr__", object.__setattr__)
    monkeypatch.setattr(nn.Module, "parameters", lambda self, recurse=True: iter(()))


@breaks("lenet.super-short-form")
def test_short_super_registers_nothing(monkeypatch):
    real = nn.Module.parameters
    monkeypatch.setattr(nn.Module, "parameters",
                        lambda self, recurse=True: real(self, recurse) if type(self).__qualname__ != "module_init.<locals>.Net"
                        else iter(()))


@breaks("lenet.first-conv-five-keeps-576")
def test_conv_pads_to_keep_size(monkeypatch):
    real = nn.Conv2d.forward
    monkeypatch.setattr(nn.Conv2d, "forward",
                        lambda self, x: real(self, F.pad(x, [self.kernel_size[0] // 2] * 4)))


# ---- breaks that vary the fields no break above changes (tests/test_break_it_coverage.py)

@breaks("lenet.conv-arguments")
def test_conv_output_channels_doubled(monkeypatch):
    real = nn.Conv2d.forward
    monkeypatch.setattr(nn.Conv2d, "forward", lambda self, x: torch.cat([real(self, x)] * 2, dim=1))


@breaks("lenet.thirty-two-works-by-flooring")
def test_conv_padding_keeps_thirty_two_even(monkeypatch):
    monkeypatch.setattr(nn.Conv2d, "forward", lambda self, x: F.conv2d(x, self.weight, self.bias, padding=1))


@breaks("lenet.other-sizes-need-a-layer")
def test_linear_accepting_any_width(monkeypatch):
    real = nn.Linear.forward

    def forward(self, x):
        width = self.in_features
        x = x[..., :width] if x.shape[-1] >= width else F.pad(x, (0, width - x.shape[-1]))
        return real(self, x)

    monkeypatch.setattr(nn.Linear, "forward", forward)


@breaks("lenet.target-view-matches-output")
def test_view_adding_a_leading_dimension(monkeypatch):
    real = torch.Tensor.view
    monkeypatch.setattr(torch.Tensor, "view", lambda self, *shape: real(self, *shape).unsqueeze(0))
