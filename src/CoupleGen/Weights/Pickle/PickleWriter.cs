using System;
using System.Buffers.Binary;
using System.IO;
using System.Text;

namespace CoupleGen.Weights.Pickle;

/// <summary>Emits the few pickle (protocol 2) opcodes a PyTorch state dict needs.</summary>
internal sealed class PickleWriter
{
    private readonly Stream stream;

    public PickleWriter(Stream stream) => this.stream = stream;

    public void Protocol() => stream.Write(stackalloc byte[] { 0x80, 2 });

    public void Mark() => stream.WriteByte(0x28);

    public void Stop() => stream.WriteByte(0x2e);

    public void Tuple() => stream.WriteByte(0x74);

    public void EmptyTuple() => stream.WriteByte(0x29);

    public void Reduce() => stream.WriteByte(0x52);

    public void SetItems() => stream.WriteByte(0x75);

    public void BinPersId() => stream.WriteByte(0x51);

    public void False() => stream.WriteByte(0x89);

    public void Global(string module, string name) => stream.Write(Encoding.ASCII.GetBytes($"c{module}\n{name}\n"));

    public void String(string value)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(value);
        Span<byte> header = stackalloc byte[5];
        header[0] = 0x58;
        BinaryPrimitives.WriteUInt32LittleEndian(header[1..], (uint)utf8.Length);
        stream.Write(header);
        stream.Write(utf8);
    }

    public void Int(long value)
    {
        if (value is >= int.MinValue and <= int.MaxValue)
        {
            Span<byte> bytes = stackalloc byte[5];
            bytes[0] = 0x4a;
            BinaryPrimitives.WriteInt32LittleEndian(bytes[1..], (int)value);
            stream.Write(bytes);
        }
        else
        {
            Span<byte> bytes = stackalloc byte[10];
            bytes[0] = 0x8a;
            bytes[1] = 8;
            BinaryPrimitives.WriteInt64LittleEndian(bytes[2..], value);
            stream.Write(bytes);
        }
    }

    public void IntTuple(long[] values)
    {
        if (values.Length == 0)
        {
            EmptyTuple();
            return;
        }

        Mark();
        foreach (long value in values)
        {
            Int(value);
        }

        Tuple();
    }
}
