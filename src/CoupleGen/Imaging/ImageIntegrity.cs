using System;
using System.Buffers.Binary;
using System.IO;

namespace CoupleGen.Imaging;

/// <summary>
/// Structural completeness checks made before decoding, because decoders fill in what a truncated
/// file lacks and would silently return a partly grey or black image: JPEG needs its end-of-image
/// marker, PNG its IEND chunk, GIF its trailer, BMP and WebP the data their headers declare, TIFF
/// every strip its directory points to.
/// </summary>
internal static class ImageIntegrity
{
    private const int TailBytes = 4096;

    /// <summary>Returns why the file is incomplete, or <see langword="null"/> when it looks whole.</summary>
    public static string? FindTruncation(Stream stream, string formatName)
    {
        long start = stream.Position;
        long length = stream.Length - start;
        try
        {
            byte[] tail = ReadAt(stream, start + Math.Max(0, length - TailBytes), (int)Math.Min(length, TailBytes));
            switch (formatName.ToUpperInvariant())
            {
                case "JPEG":
                    return Contains(tail, 0xFF, 0xD9) ? null : "the JPEG has no end-of-image marker (truncated).";
                case "PNG":
                    return Contains(tail, (byte)'I', (byte)'E', (byte)'N', (byte)'D') ? null : "the PNG has no IEND chunk (truncated).";
                case "GIF":
                    return Array.LastIndexOf(tail, (byte)0x3B) >= Math.Max(0, tail.Length - 16) ? null : "the GIF has no trailer (truncated).";
                case "BMP":
                    return CheckBmp(ReadAt(stream, start, (int)Math.Min(length, 54)), length);
                case "WEBP":
                    byte[] riff = ReadAt(stream, start, (int)Math.Min(length, 12));
                    return riff.Length >= 8 && BinaryPrimitives.ReadUInt32LittleEndian(riff.AsSpan(4)) + 8L <= length ? null : "the WebP is shorter than its RIFF header says (truncated).";
                case "TIFF":
                    return CheckTiff(stream, start, length);
                default:
                    return null;
            }
        }
        finally
        {
            stream.Position = start;
        }
    }

    private static string? CheckBmp(byte[] header, long length)
    {
        if (header.Length < 54)
        {
            return "the BMP header is incomplete (truncated).";
        }

        long offset = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(10));
        long width = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(18));
        long height = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(22)));
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(28));
        uint compression = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(30));
        long declared = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(34));
        long needed = compression is 0 or 3 ? (((bits * width) + 31) / 32 * 4 * height) : declared;
        return offset + needed <= length ? null : $"the BMP declares {needed:N0} bytes of pixels but the file ends before them (truncated).";
    }

    private static string? CheckTiff(Stream stream, long start, long length)
    {
        byte[] header = ReadAt(stream, start, (int)Math.Min(length, 8));
        if (header.Length < 8)
        {
            return "the TIFF header is incomplete (truncated).";
        }

        bool little = header[0] == (byte)'I';
        uint U32(ReadOnlySpan<byte> b) => little ? BinaryPrimitives.ReadUInt32LittleEndian(b) : BinaryPrimitives.ReadUInt32BigEndian(b);
        ushort U16(ReadOnlySpan<byte> b) => little ? BinaryPrimitives.ReadUInt16LittleEndian(b) : BinaryPrimitives.ReadUInt16BigEndian(b);
        long ifd = U32(header.AsSpan(4));
        if (ifd + 2 > length)
        {
            return "the TIFF directory lies beyond the end of the file (truncated).";
        }

        int entries = U16(ReadAt(stream, start + ifd, 2));
        byte[] table = ReadAt(stream, start + ifd + 2, (int)Math.Min(entries * 12L, Math.Max(0, length - ifd - 2)));
        if (table.Length < entries * 12)
        {
            return "the TIFF directory is incomplete (truncated).";
        }

        long[]? offsets = null, counts = null;
        for (int e = 0; e < entries; e++)
        {
            var entry = table.AsSpan(e * 12, 12);
            ushort tag = U16(entry);
            if (tag is not (273 or 279))
            {
                continue;
            }

            ushort type = U16(entry[2..]);
            long count = U32(entry[4..]);
            int size = type == 3 ? 2 : 4;
            if (count is <= 0 or > 1_000_000)
            {
                return "the TIFF strip table is implausible.";
            }

            byte[] values = count * size <= 4 ? entry[8..].ToArray() : ReadAt(stream, start + U32(entry[8..]), (int)(count * size));
            if (values.Length < count * size)
            {
                return "the TIFF strip table lies beyond the end of the file (truncated).";
            }

            var parsed = new long[count];
            for (int i = 0; i < count; i++)
            {
                parsed[i] = size == 2 ? U16(values.AsSpan(i * 2)) : U32(values.AsSpan(i * 4));
            }

            if (tag == 273)
            {
                offsets = parsed;
            }
            else
            {
                counts = parsed;
            }
        }

        if (offsets is not null && counts is not null)
        {
            for (int i = 0; i < Math.Min(offsets.Length, counts.Length); i++)
            {
                if (offsets[i] + counts[i] > length)
                {
                    return "a TIFF strip ends beyond the end of the file (truncated).";
                }
            }
        }

        return null;
    }

    private static byte[] ReadAt(Stream stream, long position, int count)
    {
        if (count <= 0 || position < 0 || position >= stream.Length)
        {
            return Array.Empty<byte>();
        }

        stream.Position = position;
        var buffer = new byte[Math.Min(count, stream.Length - position)];
        int read = 0;
        while (read < buffer.Length)
        {
            int n = stream.Read(buffer, read, buffer.Length - read);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return read == buffer.Length ? buffer : buffer.AsSpan(0, read).ToArray();
    }

    private static bool Contains(byte[] haystack, params byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
