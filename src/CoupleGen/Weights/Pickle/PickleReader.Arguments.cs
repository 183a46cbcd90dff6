using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Numerics;

namespace CoupleGen.Weights.Pickle;

/// <content>Reading the opcodes' arguments: bytes, lengths, lines and the numbers and strings they spell.</content>
internal sealed partial class PickleReader
{
    private int ReadByte()
    {
        int value = stream.ReadByte();
        return value >= 0 ? value : throw new InvalidDataException("the pickle ends inside an opcode (truncated).");
    }

    private int ReadLength(int bytes)
    {
        byte[] raw = ReadBytes(bytes);
        ulong length = bytes == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(raw) : BinaryPrimitives.ReadUInt64LittleEndian(raw);
        if (length > MaxLength || (stream.CanSeek && (long)length > stream.Length - stream.Position))
        {
            throw new InvalidDataException($"the pickle declares a {length}-byte item, longer than the rest of the file (truncated or crafted).");
        }

        return (int)length;
    }

    private byte[] ReadBytes(int count)
    {
        var buffer = new byte[count];
        int read = 0;
        while (read < count)
        {
            int n = stream.Read(buffer, read, count - read);
            if (n == 0)
            {
                throw new InvalidDataException("the pickle ends inside a value (truncated).");
            }

            read += n;
        }

        return buffer;
    }

    private string ReadLine()
    {
        var bytes = new List<byte>();
        while (true)
        {
            int b = ReadByte();
            if (b == '\n')
            {
                return Latin1.GetString(bytes.ToArray());
            }

            if (bytes.Count > 65536)
            {
                throw new InvalidDataException("the pickle holds an implausibly long text line.");
            }

            bytes.Add((byte)b);
        }
    }

    private long Position() => stream.CanSeek ? stream.Position : -1;

    private static object ReadLong(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 0)
        {
            return 0L;
        }

        return Narrow(new BigInteger(bytes, isUnsigned: false, isBigEndian: false));
    }

    private object ReadLong(int length) => ReadLong(ReadBytes(length));

    private static object ParseIntLine(string line) => line switch
    {
        "00" => false,
        "01" => true,
        _ => long.Parse(line, CultureInfo.InvariantCulture),
    };

    private static BigInteger ParseLongLine(string line)
    {
        return BigInteger.Parse(line.TrimEnd('L'), CultureInfo.InvariantCulture);
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1859", Justification = "Python ints that fit are boxed as long on purpose; callers pattern-match on long.")]
    private static object Narrow(BigInteger value)
    {
        if (value >= long.MinValue && value <= long.MaxValue)
        {
            return (long)value;
        }

        return value;
    }

    private static string ParseQuoted(string line)
    {
        if (line.Length >= 2 && (line[0] == '\'' || line[0] == '"') && line[^1] == line[0])
        {
            return System.Text.RegularExpressions.Regex.Unescape(line[1..^1]);
        }

        throw new InvalidDataException("the pickle holds a malformed STRING.");
    }
}
