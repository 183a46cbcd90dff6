using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using CoupleGen.Weights.Pickle;
using static TorchSharp.torch;

namespace CoupleGen.Weights;

/// <summary>
/// Writes a state dict in PyTorch's zip format: <c>&lt;name&gt;/data.pkl</c> (an OrderedDict of
/// <c>_rebuild_tensor_v2</c> calls over persistent storage ids), <c>&lt;name&gt;/data/&lt;i&gt;</c> (raw
/// little-endian storages), <c>&lt;name&gt;/byteorder</c> and <c>&lt;name&gt;/version</c>, all stored
/// uncompressed as <c>torch.save</c> does.
/// </summary>
internal static class PyTorchWriter
{
    public static void Write(Stream stream, IReadOnlyDictionary<string, Tensor> tensors, string archiveName)
    {
        string prefix = string.IsNullOrWhiteSpace(archiveName) ? "archive" : new string(archiveName.Select(c => char.IsLetterOrDigit(c) || c is '_' or '-' ? c : '_').ToArray());
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        var names = tensors.Keys.ToList();
        using (var pickle = zip.CreateEntry(prefix + "/data.pkl", CompressionLevel.NoCompression).Open())
        {
            var writer = new PickleWriter(pickle);
            writer.Protocol();
            writer.Global("collections", "OrderedDict");
            writer.EmptyTuple();
            writer.Reduce();
            writer.Mark();
            for (int i = 0; i < names.Count; i++)
            {
                Tensor tensor = tensors[names[i]];
                writer.String(names[i]);
                writer.Global("torch._utils", "_rebuild_tensor_v2");
                writer.Mark();
                writer.Mark();
                writer.String("storage");
                writer.Global("torch", StorageClass(tensor.dtype, names[i]));
                writer.String(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                writer.String("cpu");
                writer.Int(tensor.numel());
                writer.Tuple();
                writer.BinPersId();
                writer.Int(0);
                writer.IntTuple(tensor.shape);
                writer.IntTuple(ContiguousStrides(tensor.shape));
                writer.False();
                writer.Global("collections", "OrderedDict");
                writer.EmptyTuple();
                writer.Reduce();
                writer.Tuple();
                writer.Reduce();
            }

            writer.SetItems();
            writer.Stop();
        }

        WriteText(zip, prefix + "/byteorder", "little");
        for (int i = 0; i < names.Count; i++)
        {
            using var scope = NewDisposeScope();
            Tensor cpu = tensors[names[i]].detach().cpu().contiguous();
            using var entry = zip.CreateEntry(prefix + "/data/" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), CompressionLevel.NoCompression).Open();
            entry.Write(cpu.bytes);
        }

        WriteText(zip, prefix + "/version", "3\n");
    }

    private static void WriteText(ZipArchive zip, string name, string text)
    {
        using var entry = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
        entry.Write(Encoding.ASCII.GetBytes(text));
    }

    private static long[] ContiguousStrides(long[] shape)
    {
        var strides = new long[shape.Length];
        long stride = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            strides[i] = stride;
            stride *= Math.Max(shape[i], 1);
        }

        return strides;
    }

    private static string StorageClass(ScalarType dtype, string name) => dtype switch
    {
        ScalarType.Float32 => "FloatStorage",
        ScalarType.Float64 => "DoubleStorage",
        ScalarType.Float16 => "HalfStorage",
        ScalarType.BFloat16 => "BFloat16Storage",
        ScalarType.Int64 => "LongStorage",
        ScalarType.Int32 => "IntStorage",
        ScalarType.Int16 => "ShortStorage",
        ScalarType.Int8 => "CharStorage",
        ScalarType.Byte => "ByteStorage",
        ScalarType.Bool => "BoolStorage",
        _ => throw new NotSupportedException($"Tensor '{name}' has dtype {dtype}, which PyTorch files cannot hold here."),
    };
}
