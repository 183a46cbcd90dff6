using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace CoupleGen.Weights;

/// <summary>
/// The safetensors format: an 8-byte little-endian header length, a JSON header mapping each name
/// to dtype, shape and byte range, then raw little-endian tensor data. It holds no code, so reading
/// it can never execute anything.
/// </summary>
internal static class SafeTensors
{
    private const long MaxHeaderBytes = 100L * 1024 * 1024;

    private static readonly Dictionary<ScalarType, (string Name, int Size)> DTypes = new()
    {
        [ScalarType.Float32] = ("F32", 4),
        [ScalarType.Float64] = ("F64", 8),
        [ScalarType.Float16] = ("F16", 2),
        [ScalarType.BFloat16] = ("BF16", 2),
        [ScalarType.Int64] = ("I64", 8),
        [ScalarType.Int32] = ("I32", 4),
        [ScalarType.Int16] = ("I16", 2),
        [ScalarType.Int8] = ("I8", 1),
        [ScalarType.Byte] = ("U8", 1),
        [ScalarType.Bool] = ("BOOL", 1),
    };

    /// <summary>Writes tensors (from any device) to <paramref name="stream"/> in name order.</summary>
    public static void Write(Stream stream, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var names = tensors.Keys.OrderBy(n => n, StringComparer.Ordinal).ToList();
        var header = new Dictionary<string, object>();
        if (metadata is { Count: > 0 })
        {
            header["__metadata__"] = metadata;
        }

        long offset = 0;
        foreach (string name in names)
        {
            Tensor t = tensors[name];
            if (!DTypes.TryGetValue(t.dtype, out var dtype))
            {
                throw new NotSupportedException($"Tensor '{name}' has dtype {t.dtype}, which safetensors cannot hold.");
            }

            long bytes = t.numel() * dtype.Size;
            header[name] = new { dtype = dtype.Name, shape = t.shape, data_offsets = new[] { offset, offset + bytes } };
            offset += bytes;
        }

        byte[] json = JsonSerializer.SerializeToUtf8Bytes(header);
        int padded = (json.Length + 7) / 8 * 8;
        var prefix = new byte[8 + padded];
        BitConverter.TryWriteBytes(prefix.AsSpan(0, 8), (ulong)padded);
        json.CopyTo(prefix, 8);
        prefix.AsSpan(8 + json.Length).Fill((byte)' ');
        stream.Write(prefix);

        foreach (string name in names)
        {
            using var scope = NewDisposeScope();
            Tensor cpu = tensors[name].detach().cpu().contiguous();
            stream.Write(cpu.bytes);
        }
    }

    /// <summary>Reads every tensor from <paramref name="stream"/> (read sequentially; no seeking needed) onto the CPU.</summary>
    /// <exception cref="InvalidDataException">The data is not valid safetensors; the message says what is wrong.</exception>
    public static Dictionary<string, Tensor> Read(Stream stream, long? totalLength = null)
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            ReadEach(stream, totalLength, _ => { }, (name, tensor) => result[name] = tensor);
            return result;
        }
        catch
        {
            foreach (var tensor in result.Values)
            {
                tensor.Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// Reads the tensors one at a time, so that only one is in memory: <paramref name="header"/> sees every
    /// name and shape before any data is read (and may throw to stop), then <paramref name="take"/> gets each
    /// tensor in file order and owns it.
    /// </summary>
    /// <exception cref="InvalidDataException">The data is not valid safetensors; the message says what is wrong.</exception>
    public static void ReadEach(Stream stream, long? totalLength, Action<IReadOnlyDictionary<string, long[]>> header, Action<string, Tensor> take)
    {
        Span<byte> lengthBytes = stackalloc byte[8];
        IO.StreamReading.ReadFully(stream, lengthBytes, "the header length");
        ulong headerLength = BitConverter.ToUInt64(lengthBytes);
        if (headerLength == 0 || headerLength > (ulong)MaxHeaderBytes || (totalLength is { } total && (long)headerLength + 8 > total))
        {
            throw new InvalidDataException($"the safetensors header length {headerLength} is not plausible.");
        }

        byte[] headerBytes = new byte[headerLength];
        IO.StreamReading.ReadFully(stream, headerBytes, "the header");
        var entries = ParseHeader(headerBytes);
        long dataLength = entries.Count == 0 ? 0 : entries.Max(e => e.End);
        if (totalLength is { } size && 8 + (long)headerLength + dataLength > size)
        {
            throw new InvalidDataException($"the header describes {dataLength} bytes of data but the file holds only {size - 8 - (long)headerLength}.");
        }

        if (entries.GroupBy(e => e.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            throw new InvalidDataException($"the header names tensor '{duplicate.Key}' more than once.");
        }

        header(entries.ToDictionary(e => e.Name, e => e.Shape, StringComparer.Ordinal));
        long position = 0;
        foreach (var entry in entries.OrderBy(e => e.Begin))
        {
            if (entry.Begin != position)
            {
                throw new InvalidDataException($"tensor '{entry.Name}' starts at byte {entry.Begin}, expected {position} (overlapping or gapped data).");
            }

            Tensor tensor = torch.empty(entry.Shape, entry.DType);
            try
            {
                if (entry.End > entry.Begin)
                {
                    IO.StreamReading.ReadFully(stream, tensor.bytes, $"tensor '{entry.Name}'");
                }
            }
            catch
            {
                tensor.Dispose();
                throw;
            }

            take(entry.Name, tensor);
            position = entry.End;
        }
    }

    private sealed record Entry(string Name, ScalarType DType, long[] Shape, long Begin, long End);

    private static List<Entry> ParseHeader(byte[] headerBytes)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(headerBytes.AsMemory().TrimEnd((byte)' '));
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"the safetensors header is not valid JSON ({ex.Message}).", ex);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException("the safetensors header is not a JSON object.");
            }

            var entries = new List<Entry>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    continue;
                }

                entries.Add(ParseEntry(property));
            }

            return entries;
        }
    }

    private static Entry ParseEntry(JsonProperty property)
    {
        string name = property.Name;
        try
        {
            JsonElement e = property.Value;
            string dtypeName = e.GetProperty("dtype").GetString() ?? string.Empty;
            var dtype = DTypes.FirstOrDefault(d => d.Value.Name == dtypeName);
            if (dtype.Value.Name is null)
            {
                throw new InvalidDataException($"tensor '{name}' has unsupported dtype '{dtypeName}'.");
            }

            long[] shape = e.GetProperty("shape").EnumerateArray().Select(s => s.GetInt64()).ToArray();
            long[] offsets = e.GetProperty("data_offsets").EnumerateArray().Select(s => s.GetInt64()).ToArray();
            long count = 1;
            foreach (long dim in shape)
            {
                if (dim < 0)
                {
                    throw new InvalidDataException($"tensor '{name}' has a negative dimension.");
                }

                count = checked(count * dim);
            }

            if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] - offsets[0] != checked(count * dtype.Value.Size))
            {
                throw new InvalidDataException($"tensor '{name}' has data offsets that do not match its shape [{string.Join(", ", shape)}] and dtype {dtypeName}.");
            }

            return new Entry(name, dtype.Key, shape, offsets[0], offsets[1]);
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException or OverflowException)
        {
            throw new InvalidDataException($"tensor '{name}' has a malformed header entry ({ex.Message}).", ex);
        }
    }
}
