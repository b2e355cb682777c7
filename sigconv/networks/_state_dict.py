"""Read a PyTorch state dict (``torch.save`` of a dict of tensors) with NumPy, executing nothing.

``torch.load`` unpickles, and a pickle can call any function it names. This
reader's :class:`pickle.Unpickler` resolves only the handful of names a state
dict of dense CPU tensors contains (an ``OrderedDict``, the tensor rebuild
function, the storage types) to harmless local stand-ins, and refuses every
other name, so a crafted file fails with an error instead of running code.
Storages are read as NumPy arrays from the file's raw bytes. Both formats
``torch.save`` has written are read: the zip archive (``data.pkl`` plus one
member per storage, PyTorch >= 1.6) and the legacy stream (pickles followed
by the raw storages).
"""

import collections
import io
import pickle
import struct
import zipfile

import numpy as np

__all__ = ["StateDictError", "read_state_dict"]

# torch storage type -> NumPy dtype (little-endian, as torch writes them)
_STORAGE_DTYPES = {
    "FloatStorage": "<f4",
    "DoubleStorage": "<f8",
    "HalfStorage": "<f2",
    "LongStorage": "<i8",
    "IntStorage": "<i4",
    "ShortStorage": "<i2",
    "CharStorage": "i1",
    "ByteStorage": "u1",
    "BoolStorage": "?",
}
_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C


class StateDictError(ValueError):
    """The file is not a state dict of dense tensors, or it is damaged."""


class _Storage:
    def __init__(self, dtype):
        self.dtype = np.dtype(dtype)


class _TensorRef:
    """A tensor waiting for its storage's bytes: ``(key, offset, size, stride)``."""

    def __init__(self, key, offset, size, stride):
        self.key, self.offset, self.size, self.stride = key, offset, tuple(size), tuple(stride)


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None, *args):
    if not isinstance(storage, tuple):
        raise StateDictError("a tensor does not refer to a storage")
    return _TensorRef(storage[0], storage_offset, size, stride)


class _Unpickler(pickle.Unpickler):
    def __init__(self, file):
        super().__init__(file)
        self.storages = {}  # key -> (dtype, n_elements or None)

    def find_class(self, module, name):
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild_tensor_v2
        if module == "torch" and name in _STORAGE_DTYPES:
            return _Storage(_STORAGE_DTYPES[name])
        raise StateDictError(
            f"the file asks to load {module}.{name}, which a state dict of tensors never holds; "
            "refusing it (it could execute code)"
        )

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) >= 5 and pid[0] == "storage" and isinstance(pid[1], _Storage)):
            raise StateDictError(f"unexpected persistent id {pid!r:.80}")
        key = str(pid[2])
        numel = pid[4] if isinstance(pid[4], int) else None
        self.storages[key] = (pid[1].dtype, numel)
        return (key,)


def _materialise(obj, storages):
    """Replace every tensor reference in ``obj`` (a dict) by a NumPy array."""
    if not isinstance(obj, dict):
        raise StateDictError(f"the file holds a {type(obj).__name__}, not a dict of tensors")
    tensors = {}
    for name, ref in obj.items():
        if not isinstance(name, str) or not isinstance(ref, _TensorRef):
            raise StateDictError(f"entry {name!r:.60} is not a tensor")
        data = storages[ref.key]
        itemsize = data.dtype.itemsize
        n_needed = ref.offset + 1 + sum((s - 1) * st for s, st in zip(ref.size, ref.stride) if s > 0)
        if any(s == 0 for s in ref.size):
            n_needed = 0
        if ref.offset < 0 or min(ref.stride, default=0) < 0 or n_needed > data.size:
            raise StateDictError(f"tensor {name!r} reaches past the end of its storage")
        view = np.lib.stride_tricks.as_strided(
            data[ref.offset:] if data.size else data,
            shape=ref.size,
            strides=tuple(st * itemsize for st in ref.stride),
            writeable=False,
        )
        tensors[name] = np.array(view)
    return tensors


def _read_zip(archive):
    names = archive.namelist()
    pickles = [n for n in names if n.endswith("/data.pkl") or n == "data.pkl"]
    if len(pickles) != 1:
        raise StateDictError("the zip archive holds no single data.pkl")
    root = pickles[0][: -len("data.pkl")]
    unpickler = _Unpickler(io.BytesIO(archive.read(pickles[0])))
    obj = unpickler.load()
    storages = {}
    for key, (dtype, numel) in unpickler.storages.items():
        member = f"{root}data/{key}"
        if member not in names:
            raise StateDictError(f"storage {key} is missing from the archive")
        raw = archive.read(member)
        if len(raw) % dtype.itemsize or (numel is not None and len(raw) // dtype.itemsize < numel):
            raise StateDictError(f"storage {key} is truncated")
        storages[key] = np.frombuffer(raw, dtype=dtype)
    return _materialise(obj, storages)


def _read_legacy(stream):
    magic = _Unpickler(stream).load()
    if magic != _LEGACY_MAGIC:
        raise StateDictError("not a file written by torch.save")
    _Unpickler(stream).load()  # protocol version
    info = _Unpickler(stream).load()
    if not isinstance(info, dict) or not info.get("little_endian", True):
        raise StateDictError("big-endian files are not supported")
    unpickler = _Unpickler(stream)
    obj = unpickler.load()
    keys = _Unpickler(stream).load()
    if not isinstance(keys, list) or set(map(str, keys)) != set(unpickler.storages):
        raise StateDictError("the list of storages does not match the tensors")
    storages = {}
    for key in map(str, keys):
        dtype, _ = unpickler.storages[key]
        header = stream.read(8)
        if len(header) != 8:
            raise StateDictError(f"the file ends before storage {key}")
        (numel,) = struct.unpack("<q", header)
        raw = stream.read(numel * dtype.itemsize)
        if numel < 0 or len(raw) != numel * dtype.itemsize:
            raise StateDictError(f"storage {key} is truncated")
        storages[key] = np.frombuffer(raw, dtype=dtype)
    return _materialise(obj, storages)


def read_state_dict(path):
    """Read the tensors of a ``torch.save``-d state dict as NumPy arrays, without torch.

    Parameters
    ----------
    path : str or path-like
        A ``.pth`` / ``.pt`` file holding a dict of dense CPU tensors.

    Returns
    -------
    tensors : dict of str to ndarray
        The arrays, by the state dict's names, in its order.

    Raises
    ------
    StateDictError
        If the file refers to any object but tensors and their storages,
        or is truncated or otherwise damaged.
    """
    with open(path, "rb") as stream:
        try:
            if zipfile.is_zipfile(stream):
                stream.seek(0)
                with zipfile.ZipFile(stream) as archive:
                    return _read_zip(archive)
            stream.seek(0)
            return _read_legacy(stream)
        except StateDictError:
            raise
        except (pickle.UnpicklingError, EOFError, zipfile.BadZipFile, ValueError, TypeError,
                IndexError, KeyError, AttributeError, struct.error) as exc:
            raise StateDictError(f"the file is damaged ({type(exc).__name__}: {exc})") from None
