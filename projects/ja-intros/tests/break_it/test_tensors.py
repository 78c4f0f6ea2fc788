import torch

from torchclaims.testing import breaks


@breaks("tensors.default-is-float-tensor")
def test_default_dtype_double(monkeypatch, request):
    saved = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    request.addfinalizer(lambda: torch.set_default_dtype(saved))


@breaks("tensors.long-tensor-is-64-bit-int")
def test_long_tensor_is_32_bit(monkeypatch):
    monkeypatch.setattr(torch, "LongTensor", torch.IntTensor)


@breaks("tensors.all-types-cpu-by-default")
def test_zeros_default_to_another_device(monkeypatch):
    real = torch.zeros
    monkeypatch.setattr(torch, "zeros", lambda *size, **kwargs: real(*size, **{**kwargs, "device": "meta"}))


@breaks("tensors.basic-ops-as-in-numpy")
def test_zeros_gives_ones(monkeypatch):
    monkeypatch.setattr(torch, "zeros", torch.ones)


@breaks("tensors.indexing-as-in-numpy")
def test_indexing_reverses_rows(monkeypatch):
    real = torch.Tensor.__getitem__

    def reversed_index(self, index):
        result = real(self, index)
        return result.flip(0) if result.dim() >= 1 else result

    monkeypatch.setattr(torch.Tensor, "__getitem__", reversed_index)


@breaks("tensors.add-operator")
def test_plus_operator_subtracts(monkeypatch):
    monkeypatch.setattr(torch.Tensor, "__add__", torch.Tensor.sub)


@breaks("tensors.add-out-argument")
def test_add_ignores_out(monkeypatch):
    real = torch.add

    def add_ignoring_out(x, y, *args, out=None, **kwargs):
        if out is not None:
            out.zero_()
        return real(x, y, *args, **kwargs)

    monkeypatch.setattr(torch, "add", add_ignoring_out)


@breaks("tensors.add-inplace")
def test_add_underscore_not_in_place(monkeypatch):
    monkeypatch.setattr(torch.Tensor, "add_", lambda self, other, **kwargs: self + other)


@breaks("tensors.t-underscore-changes-x")
def test_t_underscore_returns_a_copy(monkeypatch):
    monkeypatch.setattr(torch.Tensor, "t_", lambda self: self.t().clone())


@breaks("tensors.underscore-methods-are-in-place")
def test_mul_underscore_out_of_place(monkeypatch):
    monkeypatch.setattr(torch.Tensor, "mul_", lambda self, other: self * other)


@breaks("tensors.view-minus-one-infers-2x6")
def test_view_reads_columns(monkeypatch):
    real = torch.Tensor.view

    def view_by_columns(self, *shape):
        source = self.t().contiguous() if self.dim() == 2 else self
        return real(source, *shape)

    monkeypatch.setattr(torch.Tensor, "view", view_by_columns)


@breaks("tensors.size-slice-drops-batch")
def test_size_is_a_plain_tuple(monkeypatch):
    real = torch.Tensor.size
    monkeypatch.setattr(torch.Tensor, "size", lambda self, *args: tuple(real(self, *args)))


@breaks("tensors.item-needs-one-element")
def test_item_takes_the_first_of_many(monkeypatch):
    real = torch.Tensor.item
    monkeypatch.setattr(torch.Tensor, "item", lambda self: real(self.reshape(-1)[0]))


@breaks("tensors.item-of-one-element")
def test_item_gives_a_string(monkeypatch):
    real = torch.Tensor.item
    monkeypatch.setattr(torch.Tensor, "item", lambda self: str(real(self)))


@breaks("tensors.item-of-int-tensor")
def test_item_gives_float(monkeypatch):
    real = torch.Tensor.item
    monkeypatch.setattr(torch.Tensor, "item", lambda self: float(real(self)))


@breaks("tensors.item-needs-parentheses")
def test_item_is_a_property(monkeypatch):
    real = torch.Tensor.item
    monkeypatch.setattr(torch.Tensor, "item", property(lambda self: real(self)))


@breaks("tensors.vector-is-1-dimensional")
def test_tensor_adds_a_dimension(monkeypatch):
    real = torch.tensor
    monkeypatch.setattr(torch, "tensor", lambda data, **kwargs: real(data, **kwargs).unsqueeze(0))


@breaks("tensors.image-tensor-shape")
def test_rand_puts_channels_last(monkeypatch):
    real = torch.rand
    monkeypatch.setattr(torch, "rand", lambda size, **kwargs: real(size, **kwargs).permute(1, 2, 0))


@breaks("tensors.three-indices-give-an-element")
def test_indexing_keeps_a_dimension(monkeypatch):
    real = torch.Tensor.__getitem__
    monkeypatch.setattr(torch.Tensor, "__getitem__", lambda self, index: real(self, index).unsqueeze(0))


@breaks("tensors.ops-example-matmul")
def test_matmul_is_elementwise(monkeypatch):
    monkeypatch.setattr(torch, "matmul", lambda a, b: a * b)


@breaks("tensors.ops-include-broadcasting")
def test_add_does_not_broadcast(monkeypatch):
    real = torch.Tensor.__add__

    def add_same_shape_only(self, other):
        if isinstance(other, torch.Tensor) and other.shape != self.shape:
            return real(self, other.sum())
        return real(self, other)

    monkeypatch.setattr(torch.Tensor, "__add__", add_same_shape_only)


@breaks("tensors.used-almost-like-numpy")
def test_mean_is_sum(monkeypatch):
    monkeypatch.setattr(torch.Tensor, "mean", torch.Tensor.sum)


@breaks("tensors.item-gives-full-precision")
def test_item_rounds_like_print(monkeypatch):
    real = torch.Tensor.item
    monkeypatch.setattr(torch.Tensor, "item", lambda self: round(real(self), 4))


@breaks("tensors.any-number-of-dimensions")
def test_dimensions_capped_at_eight(monkeypatch):
    real = torch.ones
    monkeypatch.setattr(torch, "ones", lambda size, **kwargs: real(list(size)[:8], **kwargs))


# ---- breaks that vary the fields no break above changes (tests/test_break_it_coverage.py)

@breaks("tensors.add-function")
def test_add_function_adds_in_place(monkeypatch):
    monkeypatch.setattr(torch, "add", lambda x, y, **kwargs: x.add_(y))


@breaks("tensors.add-function")
def test_add_function_flattens(monkeypatch):
    real = torch.add
    monkeypatch.setattr(torch, "add", lambda *args, **kwargs: real(*args, **kwargs).reshape(-1))


@breaks("tensors.ops-example-matmul")
def test_matmul_gives_a_flat_double(monkeypatch):
    real = torch.matmul
    monkeypatch.setattr(torch, "matmul", lambda a, b: real(a, b).double().reshape(-1))


@breaks("tensors.all-types-cpu-by-default")
def test_constructors_default_to_another_device(monkeypatch):
    real = torch.tensor
    monkeypatch.setattr(torch, "tensor", lambda data, **kwargs: real(data, **{**kwargs, "device": "meta"}))
    for name in ("FloatTensor", "LongTensor", "IntTensor", "ShortTensor", "DoubleTensor", "ByteTensor", "CharTensor"):
        dtype = getattr(torch, name).dtype
        monkeypatch.setattr(torch, name, lambda *size, dtype=dtype: torch.empty(*size, dtype=dtype, device="meta"))


@breaks("tensors.three-indices-give-an-element")
def test_indexing_off_by_one(monkeypatch):
    real = torch.Tensor.__getitem__
    monkeypatch.setattr(torch.Tensor, "__getitem__", lambda self, index: real(self, index) + 1)


@breaks("tensors.item-of-int-tensor")
def test_item_off_by_one(monkeypatch):
    real = torch.Tensor.item
    monkeypatch.setattr(torch.Tensor, "item", lambda self: real(self) + 1)


@breaks("tensors.float-tensor-is-32-bit-float")
def test_is_floating_point_inverted(monkeypatch):
    real = torch.Tensor.is_floating_point
    monkeypatch.setattr(torch.Tensor, "is_floating_point", lambda self: not real(self))


@breaks("tensors.item-gives-full-precision")
def test_print_with_two_decimals(monkeypatch):
    monkeypatch.setattr(torch._tensor_str.PRINT_OPTS, "precision", 2)


@breaks("tensors.item-gives-full-precision")
def test_item_off_by_a_hundredth(monkeypatch):
    real = torch.Tensor.item
    monkeypatch.setattr(torch.Tensor, "item", lambda self: real(self) + 0.01)


@breaks("tensors.size-slice-drops-batch")
def test_zeros_drops_its_first_dimension(monkeypatch):
    real = torch.zeros
    monkeypatch.setattr(torch, "zeros", lambda *size, **kwargs: real(*size[1:], **kwargs))


@breaks("tensors.view-sizes-4x4")
def test_view_always_flattens(monkeypatch):
    real = torch.Tensor.view
    monkeypatch.setattr(torch.Tensor, "view", lambda self, *shape: real(self, -1))
