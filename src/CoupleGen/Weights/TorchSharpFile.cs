using System;
using System.Collections.Generic;
using System.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace CoupleGen.Weights;

/// <summary>
/// Reads TorchSharp's own <c>Module.save</c> format without a target module: a LEB128 count, then
/// per entry a .NET string name, a LEB128 dtype (TorchSharp's ScalarType), a LEB128 rank, LEB128
/// sizes, and the raw little-endian elements.
/// </summary>
internal static class TorchSharpFile
{
    public static Dictionary<string, Tensor> Read(Stream file)
    {
        var reader = new BinaryReader(file, System.Text.Encoding.UTF8, leaveOpen: true);
        long count = Leb128(reader);
        if (count is < 0 or > 1_000_000)
        {
            throw new InvalidDataException($"the entry count {count} is not plausible; not a TorchSharp .dat file.");
        }

        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            for (long i = 0; i < count; i++)
            {
                string name = reader.ReadString();
                var dtype = (ScalarType)Leb128(reader);
                int size = dtype switch
                {
                    ScalarType.Byte or ScalarType.Int8 or ScalarType.Bool => 1,
                    ScalarType.Int16 or ScalarType.Float16 or ScalarType.BFloat16 => 2,
                    ScalarType.Int32 or ScalarType.Float32 => 4,
                    ScalarType.Int64 or ScalarType.Float64 => 8,
                    _ => throw new InvalidDataException($"entry '{name}' has an unsupported element type {(int)dtype}."),
                };
                long rank = Leb128(reader);
                if (rank is < 0 or > 16)
                {
                    throw new InvalidDataException($"entry '{name}' has rank {rank}.");
                }

                var shape = new long[rank];
                long elements = 1;
                for (int d = 0; d < rank; d++)
                {
                    shape[d] = Leb128(reader);
                    elements = shape[d] >= 0 ? checked(elements * shape[d]) : throw new InvalidDataException($"entry '{name}' has a negative size.");
                }

                long bytes = checked(elements * size);
                if (bytes > int.MaxValue || (file.CanSeek && bytes > file.Length - file.Position))
                {
                    throw new InvalidDataException($"entry '{name}' needs {bytes} bytes, more than the rest of the file (truncated).");
                }

                Tensor tensor = torch.empty(shape, dtype);
                result[name] = tensor;
                IO.StreamReading.ReadFully(file, tensor.bytes, $"entry '{name}'");
            }

            return result;
        }
        catch (EndOfStreamException ex)
        {
            Dispose(result);
            throw new InvalidDataException("the file ends early (truncated).", ex);
        }
        catch
        {
            Dispose(result);
            throw;
        }
    }

    private static void Dispose(Dictionary<string, Tensor> tensors)
    {
        foreach (var tensor in tensors.Values)
        {
            tensor.Dispose();
        }
    }

    private static long Leb128(BinaryReader reader)
    {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte b = reader.ReadByte();
            value |= (long)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new InvalidDataException("a number in the file is malformed.");
    }
}
