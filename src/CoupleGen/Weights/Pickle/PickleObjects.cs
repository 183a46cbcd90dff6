using System.Collections.Generic;

namespace CoupleGen.Weights.Pickle;

/// <summary>A reference to a Python class or function, as produced by GLOBAL; only allow-listed ones are ever created.</summary>
internal sealed record PyGlobal(string Module, string Name)
{
    public override string ToString() => $"{Module}.{Name}";
}

/// <summary>A Python tuple.</summary>
internal sealed record PyTuple(object?[] Items);

/// <summary>A Python dict (insertion-ordered, like OrderedDict).</summary>
internal sealed class PyDict
{
    public List<KeyValuePair<object, object?>> Items { get; } = new();

    public Dictionary<string, object?>? Attributes { get; set; }

    public void Set(object key, object? value)
    {
        for (int i = 0; i < Items.Count; i++)
        {
            if (Equals(Items[i].Key, key))
            {
                Items[i] = new KeyValuePair<object, object?>(key, value);
                return;
            }
        }

        Items.Add(new KeyValuePair<object, object?>(key, value));
    }
}

/// <summary>A tensor storage named by a persistent id: its element type, key and element count.</summary>
internal sealed record StorageRef(PickleDType DType, string Key, long Count, string Location);

/// <summary>A tensor view over a storage, from torch._utils._rebuild_tensor_v2.</summary>
internal sealed record TensorRef(StorageRef Storage, long Offset, long[] Shape, long[] Stride);

/// <summary>A numpy array under reconstruction (numpy.core.multiarray._reconstruct, then BUILD).</summary>
internal sealed class NumpyArray
{
    public long[] Shape { get; set; } = System.Array.Empty<long>();

    public NumpyDType? DType { get; set; }

    public bool FortranOrder { get; set; }

    public byte[]? Data { get; set; }

    public List<object?>? Objects { get; set; }
}

/// <summary>A numpy dtype: its kind code (e.g. f4) and byte order.</summary>
internal sealed class NumpyDType
{
    public NumpyDType(string code) => Code = code;

    public string Code { get; }

    public bool BigEndian { get; set; }
}

/// <summary>The element types PyTorch storages and numpy arrays can hold here.</summary>
internal enum PickleDType
{
    Float32,
    Float64,
    Float16,
    BFloat16,
    Int64,
    Int32,
    Int16,
    Int8,
    UInt8,
    Bool,
}
