using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using CoupleGen.Errors;

namespace CoupleGen.Faces;

/// <summary>
/// Reads TF.js layers weights: a <c>*-weights_manifest.json</c> (groups of shard paths and weight specs)
/// and its <c>.bin</c> shards, concatenated per group in manifest order. Quantized weights (uint8 or
/// uint16 with <c>scale</c> and <c>min</c>, or float16) are dequantized as TF.js does:
/// value = stored * scale + min. Every inconsistency (unknown dtype, bad shape, a shard shorter or
/// longer than the specs need) is an <see cref="InvalidWeightsException"/> naming the file.
/// </summary>
internal static class TfjsWeightReader
{
    /// <summary>The largest weight count accepted per tensor; the face models' largest has 131,072.</summary>
    private const long MaxElements = 64L * 1024 * 1024;

    /// <summary>Reads a manifest and its shards from a folder.</summary>
    public static Dictionary<string, TfjsTensor> ReadFolder(string manifestPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(manifestPath);
        string folder = Path.GetDirectoryName(Path.GetFullPath(manifestPath)) ?? ".";
        byte[] manifest = ReadAll(manifestPath);
        return Read(manifest, manifestPath, shard => (ReadAll(Path.Combine(folder, shard)), Path.Combine(folder, shard)));
    }

    /// <summary>Reads a manifest whose shards come from <paramref name="openShard"/> (shard path -> bytes and a name for errors).</summary>
    public static Dictionary<string, TfjsTensor> Read(byte[] manifest, string manifestName, Func<string, (byte[] Bytes, string Name)> openShard)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(openShard);
        var result = new Dictionary<string, TfjsTensor>(StringComparer.Ordinal);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(manifest);
        }
        catch (JsonException ex)
        {
            throw new InvalidWeightsException(manifestName, $"the manifest is not valid JSON ({ex.Message}).", ex);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidWeightsException(manifestName, "the manifest is not a JSON array of weight groups.");
            }

            foreach (JsonElement group in document.RootElement.EnumerateArray())
            {
                ReadGroup(group, manifestName, openShard, result);
            }
        }

        return result;
    }

    private static void ReadGroup(JsonElement group, string manifestName, Func<string, (byte[] Bytes, string Name)> openShard, Dictionary<string, TfjsTensor> result)
    {
        if (group.ValueKind != JsonValueKind.Object
            || !group.TryGetProperty("paths", out JsonElement paths) || paths.ValueKind != JsonValueKind.Array
            || !group.TryGetProperty("weights", out JsonElement weights) || weights.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidWeightsException(manifestName, "a weight group lacks its 'paths' or 'weights' array.");
        }

        var data = new MemoryStream();
        var shardNames = new List<string>();
        foreach (JsonElement path in paths.EnumerateArray())
        {
            string shard = path.GetString() ?? string.Empty;
            if (shard.Length == 0 || shard.Contains("..", StringComparison.Ordinal) || Path.IsPathRooted(shard))
            {
                throw new InvalidWeightsException(manifestName, $"the shard path '{shard}' is not a plain file name.");
            }

            (byte[] bytes, string name) = openShard(shard);
            data.Write(bytes);
            shardNames.Add(name);
        }

        string shardName = shardNames.Count == 1 ? shardNames[0] : string.Join(", ", shardNames);
        ReadOnlySpan<byte> buffer = data.GetBuffer().AsSpan(0, (int)data.Length);
        long offset = 0;
        foreach (JsonElement spec in weights.EnumerateArray())
        {
            string name = spec.TryGetProperty("name", out JsonElement n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : throw new InvalidWeightsException(manifestName, "a weight has no name.");
            long[] shape = ReadShape(spec, name, manifestName);
            long count = 1;
            foreach (long size in shape)
            {
                count *= size;
                if (count > MaxElements)
                {
                    throw new InvalidWeightsException(manifestName, $"'{name}' declares more than {MaxElements:N0} values.");
                }
            }

            (string storage, double scale, double min) = ReadStorage(spec, name, manifestName);
            int width = storage switch
            {
                "uint8" => 1,
                "uint16" or "float16" => 2,
                _ => 4,
            };
            long bytes = count * width;
            if (offset + bytes > buffer.Length)
            {
                throw new InvalidWeightsException(shardName, $"truncated: '{name}' needs bytes {offset:N0} to {offset + bytes:N0} but the data ends at {buffer.Length:N0} (manifest {manifestName}).");
            }

            result[name] = new TfjsTensor(shape, Decode(buffer.Slice((int)offset, (int)bytes), storage, (int)count, scale, min));
            offset += bytes;
        }

        if (offset != buffer.Length)
        {
            throw new InvalidWeightsException(shardName, $"holds {buffer.Length:N0} bytes but the manifest {manifestName} describes {offset:N0}; the files do not belong together.");
        }
    }

    private static long[] ReadShape(JsonElement spec, string name, string manifestName)
    {
        if (!spec.TryGetProperty("shape", out JsonElement shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidWeightsException(manifestName, $"'{name}' has no shape.");
        }

        var shape = new List<long>();
        foreach (JsonElement size in shapeElement.EnumerateArray())
        {
            if (size.ValueKind != JsonValueKind.Number || !size.TryGetInt64(out long value) || value < 0 || value > MaxElements)
            {
                throw new InvalidWeightsException(manifestName, $"'{name}' has an invalid shape entry '{size}'.");
            }

            shape.Add(value);
        }

        return shape.ToArray();
    }

    private static (string Storage, double Scale, double Min) ReadStorage(JsonElement spec, string name, string manifestName)
    {
        string dtype = spec.TryGetProperty("dtype", out JsonElement d) ? d.GetString() ?? string.Empty : "float32";
        if (dtype is not ("float32" or "int32"))
        {
            throw new InvalidWeightsException(manifestName, $"'{name}' has dtype '{dtype}'; only float32 and int32 weights are supported.");
        }

        if (!spec.TryGetProperty("quantization", out JsonElement q) || q.ValueKind == JsonValueKind.Null)
        {
            return (dtype, 1, 0);
        }

        string storage = q.TryGetProperty("dtype", out JsonElement qd) ? qd.GetString() ?? string.Empty : string.Empty;
        if (storage == "float16")
        {
            return (storage, 1, 0);
        }

        if (storage is not ("uint8" or "uint16")
            || !q.TryGetProperty("scale", out JsonElement scale) || scale.ValueKind != JsonValueKind.Number
            || !q.TryGetProperty("min", out JsonElement min) || min.ValueKind != JsonValueKind.Number)
        {
            throw new InvalidWeightsException(manifestName, $"'{name}' has an unsupported quantization (need uint8 or uint16 with scale and min, or float16).");
        }

        return (storage, scale.GetDouble(), min.GetDouble());
    }

    private static float[] Decode(ReadOnlySpan<byte> bytes, string storage, int count, double scale, double min)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = storage switch
            {
                "uint8" => (float)((bytes[i] * scale) + min),
                "uint16" => (float)((BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(i * 2)) * scale) + min),
                "float16" => (float)BinaryPrimitives.ReadHalfLittleEndian(bytes.Slice(i * 2)),
                "int32" => BinaryPrimitives.ReadInt32LittleEndian(bytes.Slice(i * 4)),
                _ => BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(i * 4)),
            };
        }

        return values;
    }

    private static byte[] ReadAll(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidWeightsException(path, ex.Message, ex);
        }
    }
}
