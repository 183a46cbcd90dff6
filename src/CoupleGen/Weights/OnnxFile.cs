using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using CoupleGen.Weights.Pickle;
using static TorchSharp.torch;

namespace CoupleGen.Weights;

/// <summary>
/// Reads the initializers (the weights) of an ONNX model and its producer_name (field 2): ModelProto.graph (field 7) ->
/// GraphProto.initializer (field 5) -> TensorProto (dims 1, data_type 2, float_data 4, int32_data 5,
/// int64_data 7, name 8, raw_data 9, double_data 10, data_location 14), decoded from the protobuf
/// wire format directly. Tensors come back in the order the graph's nodes (GraphProto.node, field 1;
/// NodeProto.input, field 1) first use them, which is network order even when the exporter stored them
/// otherwise (CNTK's ResNet18 lists its initializers deepest layer first); shape/order mapping relies on
/// it. Initializers no node uses follow in file order.
/// </summary>
internal static class OnnxFile
{
    public static List<KeyValuePair<string, Tensor>> ReadInitializers(byte[] model, out string? producer)
    {
        producer = null;
        var result = new List<KeyValuePair<string, Tensor>>();
        var firstUse = new Dictionary<string, int>(StringComparer.Ordinal);
        try
        {
            var reader = new Wire(model, 0, model.Length);
            bool sawGraph = false;
            while (reader.Next(out int field, out int wireType))
            {
                if (field == 2 && wireType == 2)
                {
                    producer = Encoding.UTF8.GetString(reader.Bytes());
                }
                else if (field == 7 && wireType == 2)
                {
                    sawGraph = true;
                    var graph = reader.Sub();
                    while (graph.Next(out int graphField, out int graphWire))
                    {
                        if (graphField == 5 && graphWire == 2)
                        {
                            result.Add(ReadTensor(graph.Sub()));
                        }
                        else if (graphField == 1 && graphWire == 2)
                        {
                            ReadNodeInputs(graph.Sub(), firstUse);
                        }
                        else
                        {
                            graph.Skip(graphWire);
                        }
                    }
                }
                else
                {
                    reader.Skip(wireType);
                }
            }

            if (!sawGraph)
            {
                throw new InvalidDataException("the file holds no ONNX graph (not an ONNX model).");
            }

            return result
                .Select((entry, index) => (entry, index))
                .OrderBy(e => firstUse.TryGetValue(e.entry.Key, out int use) ? use : int.MaxValue)
                .ThenBy(e => e.index)
                .Select(e => e.entry)
                .ToList();
        }
        catch
        {
            foreach (var (_, tensor) in result)
            {
                tensor.Dispose();
            }

            throw;
        }
    }

    private static void ReadNodeInputs(Wire node, Dictionary<string, int> firstUse)
    {
        while (node.Next(out int field, out int wire))
        {
            if (field == 1 && wire == 2)
            {
                firstUse.TryAdd(Encoding.UTF8.GetString(node.Bytes()), firstUse.Count);
            }
            else
            {
                node.Skip(wire);
            }
        }
    }

    private static KeyValuePair<string, Tensor> ReadTensor(Wire t)
    {
        var dims = new List<long>();
        int dataType = 0;
        string name = string.Empty;
        byte[]? raw = null;
        var floats = new List<float>();
        var doubles = new List<double>();
        var longs = new List<long>();
        bool external = false;
        while (t.Next(out int field, out int wire))
        {
            switch (field)
            {
                case 1: t.Varints(wire, dims); break;
                case 2: dataType = (int)t.Varint(); break;
                case 4: t.Fixed32s(wire, floats); break;
                case 5 or 7: t.Varints(wire, longs); break;
                case 8: name = Encoding.UTF8.GetString(t.Bytes()); break;
                case 9: raw = t.Bytes(); break;
                case 10: t.Fixed64s(wire, doubles); break;
                case 14: external = t.Varint() == 1; break;
                default: t.Skip(wire); break;
            }
        }

        if (external)
        {
            throw new InvalidDataException($"initializer '{name}' is stored in an external file; load the model with its data folder merged (onnx.save(..., save_as_external_data=False)).");
        }

        (PickleDType dtype, string code) = dataType switch
        {
            1 => (PickleDType.Float32, "<f4"),
            2 => (PickleDType.UInt8, "|u1"),
            3 => (PickleDType.Int8, "|i1"),
            5 => (PickleDType.Int16, "<i2"),
            6 => (PickleDType.Int32, "<i4"),
            7 => (PickleDType.Int64, "<i8"),
            9 => (PickleDType.Bool, "|b1"),
            10 => (PickleDType.Float16, "<f2"),
            11 => (PickleDType.Float64, "<f8"),
            _ => throw new InvalidDataException($"initializer '{name}' has ONNX data type {dataType}, which CoupleGen does not read."),
        };

        byte[] data = raw ?? dtype switch
        {
            PickleDType.Float32 => ToBytes(floats.ToArray()),
            PickleDType.Float64 => ToBytes(doubles.ToArray()),
            PickleDType.Int64 => ToBytes(longs.ToArray()),
            PickleDType.Int32 => ToBytes(longs.ConvertAll(v => (int)v).ToArray()),
            _ => throw new InvalidDataException($"initializer '{name}' keeps its {dtype} values in a field CoupleGen does not read."),
        };
        return new KeyValuePair<string, Tensor>(name, TensorMaterializer.FromNumpyBytes(code, false, dims.ToArray(), false, data, name));
    }

    private static byte[] ToBytes<T>(T[] values)
        where T : struct => System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    /// <summary>A bounds-checked cursor over protobuf wire-format bytes.</summary>
    private ref struct Wire
    {
        private readonly byte[] data;
        private readonly int end;
        private int position;

        public Wire(byte[] data, int start, int end)
        {
            this.data = data;
            position = start;
            this.end = end;
        }

        public bool Next(out int field, out int wireType)
        {
            field = 0;
            wireType = 0;
            if (position >= end)
            {
                return false;
            }

            ulong key = Varint();
            field = (int)(key >> 3);
            wireType = (int)(key & 7);
            return true;
        }

        public ulong Varint()
        {
            ulong value = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                if (position >= end)
                {
                    throw new InvalidDataException("the ONNX file ends inside a number (truncated).");
                }

                byte b = data[position++];
                value |= (ulong)(b & 0x7f) << shift;
                if ((b & 0x80) == 0)
                {
                    return value;
                }
            }

            throw new InvalidDataException("the ONNX file holds a malformed number.");
        }

        public Wire Sub()
        {
            int length = Length();
            var sub = new Wire(data, position, position + length);
            position += length;
            return sub;
        }

        public byte[] Bytes()
        {
            int length = Length();
            byte[] bytes = data.AsSpan(position, length).ToArray();
            position += length;
            return bytes;
        }

        public void Varints(int wire, List<long> into)
        {
            if (wire == 2)
            {
                var packed = Sub();
                while (packed.position < packed.end)
                {
                    into.Add((long)packed.Varint());
                }
            }
            else
            {
                into.Add((long)Varint());
            }
        }

        public void Fixed32s(int wire, List<float> into)
        {
            int length = wire == 2 ? Length() : 4;
            Require(length);
            for (int i = 0; i + 4 <= length; i += 4)
            {
                into.Add(BitConverter.ToSingle(data, position + i));
            }

            position += length;
        }

        public void Fixed64s(int wire, List<double> into)
        {
            int length = wire == 2 ? Length() : 8;
            Require(length);
            for (int i = 0; i + 8 <= length; i += 8)
            {
                into.Add(BitConverter.ToDouble(data, position + i));
            }

            position += length;
        }

        public void Skip(int wireType)
        {
            switch (wireType)
            {
                case 0: Varint(); break;
                case 1: Require(8); position += 8; break;
                case 2: { int length = Length(); position += length; break; }
                case 5: Require(4); position += 4; break;
                default: throw new InvalidDataException($"the file holds protobuf wire type {wireType}; it is not an ONNX model or is corrupt.");
            }
        }

        private int Length()
        {
            ulong length = Varint();
            if (length > (ulong)(end - position))
            {
                throw new InvalidDataException("a field of the ONNX file runs past its end (truncated or not ONNX).");
            }

            return (int)length;
        }

        private readonly void Require(int length)
        {
            if (length < 0 || position + length > end)
            {
                throw new InvalidDataException("a field of the ONNX file runs past its end (truncated or not ONNX).");
            }
        }
    }
}
