using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using CoupleGen.Weights.Pickle;
using static TorchSharp.torch;

namespace CoupleGen.Weights;

/// <summary>
/// Reads <c>.npy</c> files: numeric arrays directly, and object arrays (such as tensorflow-vgg's
/// <c>vgg16.npy</c>, a pickled dict layer -> [W, b]) through the allow-listed pickle reader, with
/// Python 2 strings read as latin1 like <c>np.load(..., encoding='latin1')</c>.
/// </summary>
internal static partial class NumpyFile
{
    public static bool HasMagic(ReadOnlySpan<byte> head) => head.Length >= 6 && head[0] == 0x93 && head[1..6].SequenceEqual("NUMPY"u8);

    public static Dictionary<string, Tensor> Read(Stream file, string name)
    {
        Span<byte> preamble = stackalloc byte[8];
        IO.StreamReading.ReadFully(file, preamble, "the .npy file");
        if (!HasMagic(preamble))
        {
            throw new InvalidDataException("the file does not start with the .npy magic string.");
        }

        int major = preamble[6];
        int headerLength;
        if (major == 1)
        {
            Span<byte> length = stackalloc byte[2];
            IO.StreamReading.ReadFully(file, length, "the .npy file");
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(length);
        }
        else if (major is 2 or 3)
        {
            Span<byte> length = stackalloc byte[4];
            IO.StreamReading.ReadFully(file, length, "the .npy file");
            headerLength = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(length));
        }
        else
        {
            throw new InvalidDataException($".npy format version {major} is not supported.");
        }

        if (headerLength > 1 << 20)
        {
            throw new InvalidDataException("the .npy header is implausibly long.");
        }

        var headerBytes = new byte[headerLength];
        IO.StreamReading.ReadFully(file, headerBytes, "the .npy file");
        string header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);
        string descr = Field(DescrPattern(), header, "descr");
        bool fortran = Field(FortranPattern(), header, "fortran_order") == "True";
        long[] shape = ParseShape(Field(ShapePattern(), header, "shape"));

        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        if (descr == "|O")
        {
            object? root = new PickleReader(file).Load();
            try
            {
                TensorMaterializer.Flatten(root, string.Empty, (key, leaf) => result[key] = leaf is NumpyArray array
                    ? TensorMaterializer.Numpy(array, key)
                    : throw new InvalidDataException($"'{key}' in the pickled object array is not a numeric array."));
            }
            catch
            {
                foreach (var tensor in result.Values)
                {
                    tensor.Dispose();
                }

                throw;
            }

            return result;
        }

        long count = shape.Aggregate(1L, (a, b) => checked(a * b));
        int size = descr.TrimStart('<', '>', '|', '=') switch { "f8" or "i8" => 8, "f4" or "i4" => 4, "f2" or "i2" => 2, _ => 1 };
        long bytes = checked(count * size);
        if (bytes > int.MaxValue || (file.CanSeek && bytes > file.Length - file.Position))
        {
            throw new InvalidDataException($"the header declares {bytes} bytes of data, more than the file holds (truncated).");
        }

        var data = new byte[bytes];
        IO.StreamReading.ReadFully(file, data, "the .npy file");
        result[name] = TensorMaterializer.FromNumpyBytes(descr, descr.StartsWith('>'), shape, fortran, data, name);
        return result;
    }

    private static string Field(Regex pattern, string header, string field)
    {
        Match match = pattern.Match(header);
        return match.Success ? match.Groups[1].Value : throw new InvalidDataException($"the .npy header has no '{field}'.");
    }

    private static long[] ParseShape(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => long.TryParse(s.TrimEnd('L'), out long v) && v >= 0 ? v : throw new InvalidDataException($"the .npy shape '{text}' is malformed."))
            .ToArray();

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
