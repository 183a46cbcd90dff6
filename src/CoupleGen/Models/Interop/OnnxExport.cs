using System;
using System.IO;
using System.Text;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CoupleGen.Models.Interop;

/// <summary>
/// Exports a pix2pix <see cref="UnetGenerator"/> as an ONNX model (opset 13) in evaluation mode:
/// Conv, LeakyRelu, BatchNormalization (running statistics) or InstanceNormalization, Relu,
/// ConvTranspose (or Resize and Conv), Concat and Tanh, with the batch, height and width left dynamic. The model runs on
/// ONNX Runtime or any ONNX server without libtorch; input <c>input</c> and output <c>output</c> are
/// [N, 3, H, W] in [-1, 1].
/// </summary>
public static class OnnxExport
{
    private const long OpsetVersion = 13;
    private const long IrVersion = 7;
    private static readonly float[] ResizeScales = { 1f, 1f, 2f, 2f };

    /// <summary>Writes <paramref name="generator"/> to <paramref name="path"/> atomically.</summary>
    /// <param name="generator">The generator (on any device; weights are copied to the CPU).</param>
    /// <param name="path">The <c>.onnx</c> file.</param>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void ExportGenerator(UnetGenerator generator, string path)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var graph = new GraphBuilder();
        string output = graph.Block(generator.Outermost, "input", "model.model");
        graph.Node("Identity", new[] { output }, "output");
        byte[] model = graph.Model(generator.Options.InputChannels, generator.Options.OutputChannels);
        IO.AtomicFile.Write(path, stream => stream.Write(model));
    }

    private sealed class GraphBuilder
    {
        private readonly ProtoWriter nodes = new();
        private readonly ProtoWriter initializers = new();
        private int counter;

        public string Block(UnetSkipBlock block, string input, string prefix)
        {
            string x = input;
            string skip = input;
            int index = 0;
            foreach (var layer in block.Children)
            {
                string name = $"{prefix}.{index}";
                switch (layer)
                {
                    case Models.LeakyRelu:
                        x = Node("LeakyRelu", new[] { x }, Fresh(), ("alpha", 0.2f));
                        if (index == 0)
                        {
                            // The reference's in-place LeakyReLU also rewrites the block's input, so the skip carries it.
                            skip = x;
                        }

                        break;
                    case ReLU:
                        x = Node("Relu", new[] { x }, Fresh());
                        break;
                    case Tanh:
                        x = Node("Tanh", new[] { x }, Fresh());
                        break;
                    case Dropout:
                        break;
                    case Conv2d conv:
                        long k = conv.kernel_size[0], stride = conv.stride[0], pad = conv.padding![0];
                        x = Node("Conv", Inputs(x, Weight(name + ".weight", conv.weight!), conv.bias is null ? null : Weight(name + ".bias", conv.bias)), Fresh(), ("kernel_shape", new[] { k, k }), ("strides", new[] { stride, stride }), ("pads", new[] { pad, pad, pad, pad }));
                        break;
                    case Upsample:
                        using (var scales = torch.tensor(ResizeScales))
                        {
                            // Opset 13's Resize: nearest with floor of the asymmetric source coordinate is libtorch's nearest.
                            x = Node("Resize", new[] { x, string.Empty, Weight(Fresh(), scales) }, Fresh(), ("mode", "nearest"), ("coordinate_transformation_mode", "asymmetric"), ("nearest_mode", "floor"));
                        }

                        break;
                    case PixelShuffle:
                        // PyTorch's pixel shuffle takes channel c * 4 + 2i + j to pixel (i, j) of channel c: DepthToSpace's CRD order.
                        x = Node("DepthToSpace", new[] { x }, Fresh(), ("blocksize", 2L), ("mode", "CRD"));
                        break;
                    case ConvTranspose2d deconv:
                        x = Node("ConvTranspose", Inputs(x, Weight(name + ".weight", deconv.weight!), deconv.bias is null ? null : Weight(name + ".bias", deconv.bias)), Fresh(), ("kernel_shape", new long[] { 4, 4 }), ("strides", new long[] { 2, 2 }), ("pads", new long[] { 1, 1, 1, 1 }));
                        break;
                    case BatchNorm2d norm:
                        x = Node("BatchNormalization", new[] { x, Weight(name + ".weight", norm.weight!), Weight(name + ".bias", norm.bias!), Weight(name + ".running_mean", norm.running_mean!), Weight(name + ".running_var", norm.running_var!) }, Fresh(), ("epsilon", 1e-5f));
                        break;
                    case InstanceNorm2d:
                        long channels = Channels(block, index);
                        using (var ones = torch.ones(channels))
                        using (var zeros = torch.zeros(channels))
                        {
                            x = Node("InstanceNormalization", new[] { x, Weight(name + ".scale", ones), Weight(name + ".shift", zeros) }, Fresh(), ("epsilon", 1e-5f));
                        }

                        break;
                    case UnetSkipBlock inner:
                        x = Block(inner, x, name + ".model");
                        break;
                    default:
                        throw new NotSupportedException($"ONNX export does not know layer {layer.GetType().Name}.");
                }

                index++;
            }

            return block.IsOutermost ? x : Node("Concat", new[] { skip, x }, Fresh(), ("axis", 1L));
        }

        public string Node(string op, string[] inputs, string output, params (string Name, object Value)[] attributes)
        {
            var node = new ProtoWriter();
            foreach (string input in inputs)
            {
                node.String(1, input);
            }

            node.String(2, output);
            node.String(3, $"{op}_{counter++}");
            node.String(4, op);
            foreach (var (name, value) in attributes)
            {
                var attribute = new ProtoWriter();
                attribute.String(1, name);
                switch (value)
                {
                    case float f:
                        attribute.Float(2, f);
                        attribute.Varint(20, 1);
                        break;
                    case long i:
                        attribute.Varint(3, (ulong)i);
                        attribute.Varint(20, 2);
                        break;
                    case string text:
                        attribute.String(4, text);
                        attribute.Varint(20, 3);
                        break;
                    case long[] ints:
                        foreach (long v in ints)
                        {
                            attribute.Varint(8, (ulong)v);
                        }

                        attribute.Varint(20, 7);
                        break;
                }

                node.Message(5, attribute);
            }

            nodes.Message(1, node);
            return output;
        }

        public byte[] Model(long inputChannels, long outputChannels)
        {
            var graph = new ProtoWriter();
            graph.Raw(nodes);
            graph.String(2, "couplegen_unet");
            graph.Raw(initializers);
            graph.Message(11, ValueInfo("input", inputChannels));
            graph.Message(12, ValueInfo("output", outputChannels));
            var opset = new ProtoWriter();
            opset.String(1, string.Empty);
            opset.Varint(2, OpsetVersion);
            var model = new ProtoWriter();
            model.Varint(1, IrVersion);
            model.String(2, "CoupleGen");
            model.Message(8, opset);
            model.Message(7, graph);
            return model.ToArray();
        }

        private static long Channels(UnetSkipBlock block, int normIndex)
        {
            long channels = 0;
            int index = 0;
            foreach (var layer in block.Children)
            {
                if (index < normIndex)
                {
                    channels = layer switch
                    {
                        Conv2d conv => conv.weight!.shape[0],
                        ConvTranspose2d deconv => deconv.weight!.shape[1],
                        PixelShuffle => channels / 4,
                        _ => channels,
                    };
                }

                index++;
            }

            return channels;
        }

        private static string[] Inputs(string x, string weight, string? bias) => bias is null ? new[] { x, weight } : new[] { x, weight, bias };

        private string Weight(string name, Tensor tensor)
        {
            using var scope = NewDisposeScope();
            Tensor cpu = tensor.detach().cpu().to_type(ScalarType.Float32).contiguous();
            var proto = new ProtoWriter();
            foreach (long dim in cpu.shape)
            {
                proto.Varint(1, (ulong)dim);
            }

            proto.Varint(2, 1);
            proto.String(8, name);
            proto.Bytes(9, cpu.bytes);
            initializers.Message(5, proto);
            return name;
        }

        private string Fresh() => $"t{counter++}";

        private static ProtoWriter ValueInfo(string name, long channels)
        {
            var shape = new ProtoWriter();
            foreach (object dim in new object[] { "N", channels, "H", "W" })
            {
                var d = new ProtoWriter();
                if (dim is long value)
                {
                    d.Varint(1, (ulong)value);
                }
                else
                {
                    d.String(2, (string)dim);
                }

                shape.Message(1, d);
            }

            var tensorType = new ProtoWriter();
            tensorType.Varint(1, 1);
            tensorType.Message(2, shape);
            var type = new ProtoWriter();
            type.Message(1, tensorType);
            var info = new ProtoWriter();
            info.String(1, name);
            info.Message(2, type);
            return info;
        }
    }

    /// <summary>Protobuf wire-format writing: varints, length-delimited fields and fixed 32-bit floats.</summary>
    private sealed class ProtoWriter
    {
        private readonly System.Buffers.ArrayBufferWriter<byte> buffer = new();

        public void Varint(int field, ulong value)
        {
            Tag(field, 0);
            WriteVarint(value);
        }

        public void Float(int field, float value)
        {
            Tag(field, 5);
            Span<byte> bytes = stackalloc byte[4];
            BitConverter.TryWriteBytes(bytes, value);
            System.Buffers.BuffersExtensions.Write(buffer, (ReadOnlySpan<byte>)bytes);
        }

        public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public void Bytes(int field, ReadOnlySpan<byte> value)
        {
            Tag(field, 2);
            WriteVarint((ulong)value.Length);
            System.Buffers.BuffersExtensions.Write(buffer, value);
        }

        public void Message(int field, ProtoWriter message) => Bytes(field, message.buffer.WrittenSpan);

        public void Raw(ProtoWriter other) => System.Buffers.BuffersExtensions.Write(buffer, other.buffer.WrittenSpan);

        public byte[] ToArray() => buffer.WrittenSpan.ToArray();

        private void Tag(int field, int wireType) => WriteVarint(((ulong)field << 3) | (uint)wireType);

        private void WriteVarint(ulong value)
        {
            while (value >= 0x80)
            {
                Byte((byte)(value | 0x80));
                value >>= 7;
            }

            Byte((byte)value);
        }

        private void Byte(byte value)
        {
            buffer.GetSpan(1)[0] = value;
            buffer.Advance(1);
        }
    }
}
