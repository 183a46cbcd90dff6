using System;
using System.Collections.Generic;
using System.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace CoupleGen.Weights.Pickle;

/// <summary>Turns unpickled storages, tensor views and numpy arrays into CPU tensors, checking every bound first.</summary>
internal static class TensorMaterializer
{
    public static ScalarType ToScalarType(PickleDType dtype) => dtype switch
    {
        PickleDType.Float32 => ScalarType.Float32,
        PickleDType.Float64 => ScalarType.Float64,
        PickleDType.Float16 => ScalarType.Float16,
        PickleDType.BFloat16 => ScalarType.BFloat16,
        PickleDType.Int64 => ScalarType.Int64,
        PickleDType.Int32 => ScalarType.Int32,
        PickleDType.Int16 => ScalarType.Int16,
        PickleDType.Int8 => ScalarType.Int8,
        PickleDType.UInt8 => ScalarType.Byte,
        PickleDType.Bool => ScalarType.Bool,
        _ => throw new InvalidDataException($"unsupported element type {dtype}."),
    };

    public static int ElementSize(PickleDType dtype) => dtype switch
    {
        PickleDType.Float64 or PickleDType.Int64 => 8,
        PickleDType.Float32 or PickleDType.Int32 => 4,
        PickleDType.Float16 or PickleDType.BFloat16 or PickleDType.Int16 => 2,
        _ => 1,
    };

    /// <summary>Reads a storage's raw little-endian bytes from <paramref name="stream"/> straight into a flat tensor (no managed copy).</summary>
    /// <exception cref="InvalidDataException">The stream ends before the storage does.</exception>
    public static Tensor Storage(PickleDType dtype, long count, Stream stream, string key)
    {
        long bytes = checked(count * ElementSize(dtype));
        if (bytes > int.MaxValue)
        {
            throw new InvalidDataException($"storage '{key}' needs {bytes} bytes; CoupleGen reads storages of up to 2 GB.");
        }

        Tensor flat = torch.empty(count, ToScalarType(dtype));
        try
        {
            if (bytes > 0)
            {
                IO.StreamReading.ReadFully(stream, flat.bytes, $"storage '{key}'");
            }

            return flat;
        }
        catch
        {
            flat.Dispose();
            throw;
        }
    }

    /// <summary>Copies the view <paramref name="view"/> out of its flat storage into a tensor of its own.</summary>
    public static Tensor View(TensorRef view, Tensor storage)
    {
        if (view.Shape.Length != view.Stride.Length)
        {
            throw new InvalidDataException($"a tensor on storage '{view.Storage.Key}' has {view.Shape.Length} sizes but {view.Stride.Length} strides.");
        }

        long last = view.Offset;
        for (int i = 0; i < view.Shape.Length; i++)
        {
            if (view.Shape[i] < 0 || view.Stride[i] < 0)
            {
                throw new InvalidDataException($"a tensor on storage '{view.Storage.Key}' has a negative size or stride.");
            }

            if (view.Shape[i] == 0)
            {
                return torch.empty(view.Shape, storage.dtype);
            }

            last = checked(last + ((view.Shape[i] - 1) * view.Stride[i]));
        }

        if (view.Offset < 0 || last >= storage.numel())
        {
            throw new InvalidDataException($"a tensor reaches element {last} of storage '{view.Storage.Key}', which has {storage.numel()}.");
        }

        // The usual case, a tensor that is its whole storage, shares the storage's memory (libtorch
        // counts references, so disposing the storage tensor later frees nothing this view needs);
        // anything else is copied out so no tensor pins a larger storage.
        if (view.Offset == 0 && IsContiguous(view.Shape, view.Stride) && last == storage.numel() - 1)
        {
            return storage.view(view.Shape);
        }

        using Tensor strided = storage.as_strided(view.Shape, view.Stride, view.Offset);
        return strided.clone();
    }

    /// <summary>Converts a numeric numpy array to a tensor (C or Fortran order, either byte order).</summary>
    public static Tensor Numpy(NumpyArray array, string name)
    {
        if (array.DType is null || array.Data is null)
        {
            throw new InvalidDataException($"numpy array '{name}' has no numeric data.");
        }

        return FromNumpyBytes(array.DType.Code, array.DType.BigEndian, array.Shape, array.FortranOrder, array.Data, name);
    }

    public static Tensor FromNumpyBytes(string code, bool bigEndian, long[] shape, bool fortranOrder, byte[] data, string name)
    {
        string kind = code.TrimStart('<', '>', '|', '=');
        bigEndian |= code.StartsWith('>');
        PickleDType dtype = kind switch
        {
            "f4" or "float32" => PickleDType.Float32,
            "f8" or "float64" => PickleDType.Float64,
            "f2" or "float16" => PickleDType.Float16,
            "i8" or "int64" => PickleDType.Int64,
            "i4" or "int32" => PickleDType.Int32,
            "i2" or "int16" => PickleDType.Int16,
            "i1" or "int8" => PickleDType.Int8,
            "u1" or "uint8" => PickleDType.UInt8,
            "b1" or "bool" => PickleDType.Bool,
            _ => throw new InvalidDataException($"numpy array '{name}' has dtype '{code}', which CoupleGen does not read."),
        };
        int size = ElementSize(dtype);
        long count = 1;
        foreach (long dim in shape)
        {
            count = dim >= 0 ? checked(count * dim) : throw new InvalidDataException($"numpy array '{name}' has a negative dimension.");
        }

        if (data.LongLength != count * size)
        {
            throw new InvalidDataException($"numpy array '{name}' holds {data.LongLength} bytes; shape [{string.Join(", ", shape)}] of {code} needs {count * size}.");
        }

        if (bigEndian && size > 1)
        {
            data = (byte[])data.Clone();
            for (long i = 0; i < count; i++)
            {
                Array.Reverse(data, (int)(i * size), size);
            }
        }

        using var bytes = new MemoryStream(data, writable: false);
        using Tensor flat = Storage(dtype, count, bytes, name);
        if (!fortranOrder || shape.Length < 2)
        {
            return flat.reshape(shape).clone();
        }

        var reversed = (long[])shape.Clone();
        Array.Reverse(reversed);
        var order = new long[shape.Length];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = shape.Length - 1 - i;
        }

        using Tensor transposed = flat.reshape(reversed);
        return transposed.permute(order).contiguous().clone();
    }

    /// <summary>Walks nested dicts and lists, naming every tensor-like leaf by its dotted path.</summary>
    public static void Flatten(object? value, string prefix, Action<string, object> leaf)
    {
        switch (value)
        {
            case TensorRef or NumpyArray { Data: not null }:
                leaf(prefix, value);
                break;
            case NumpyArray { Objects: { } objects }:
                for (int i = 0; i < objects.Count; i++)
                {
                    Flatten(objects[i], objects.Count == 1 ? prefix : Join(prefix, i.ToString(System.Globalization.CultureInfo.InvariantCulture)), leaf);
                }

                break;
            case PyDict dict:
                foreach (var (key, item) in dict.Items)
                {
                    Flatten(item, Join(prefix, key.ToString() ?? string.Empty), leaf);
                }

                break;
            case List<object?> list:
                for (int i = 0; i < list.Count; i++)
                {
                    Flatten(list[i], Join(prefix, i.ToString(System.Globalization.CultureInfo.InvariantCulture)), leaf);
                }

                break;
            case PyTuple tuple:
                for (int i = 0; i < tuple.Items.Length; i++)
                {
                    Flatten(tuple.Items[i], Join(prefix, i.ToString(System.Globalization.CultureInfo.InvariantCulture)), leaf);
                }

                break;
        }
    }

    private static string Join(string prefix, string key) => prefix.Length == 0 ? key : prefix + "." + key;

    private static bool IsContiguous(long[] shape, long[] stride)
    {
        long expected = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            if (shape[i] != 1 && stride[i] != expected)
            {
                return false;
            }

            expected *= shape[i];
        }

        return true;
    }
}
