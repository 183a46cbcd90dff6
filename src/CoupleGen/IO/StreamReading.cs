using System;
using System.IO;

namespace CoupleGen.IO;

/// <summary>Reads of a known length from files whose length cannot be trusted.</summary>
internal static class StreamReading
{
    /// <summary>Fills <paramref name="buffer"/>, or fails with a message saying the file ends inside <paramref name="what"/>.</summary>
    /// <exception cref="InvalidDataException">The stream ends first (truncated).</exception>
    public static void ReadFully(Stream stream, Span<byte> buffer, string what)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = stream.Read(buffer[read..]);
            if (n == 0)
            {
                throw new InvalidDataException($"the file ends inside {what} (truncated).");
            }

            read += n;
        }
    }
}
