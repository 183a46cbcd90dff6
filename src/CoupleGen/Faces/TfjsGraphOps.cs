using System;
using System.Collections.Generic;
using System.Linq;
using CoupleGen.Native;
using static TorchSharp.torch;

namespace CoupleGen.Faces;

/// <summary>
/// Turns a TF.js graph node into a TorchSharp function over NCHW tensors. Everything that can be checked
/// without data (op, attributes, which inputs are constants, filter shapes) is checked here, at load, so a
/// model the runner cannot evaluate fails with an <see cref="Errors.InvalidWeightsException"/> naming the
/// node and op instead of producing a wrong picture. Constant inputs are converted to PyTorch's layout once.
/// </summary>
internal static class TfjsGraphOps
{
    /// <summary>The ops <see cref="Compile"/> understands (besides Const and Placeholder, which the graph handles).</summary>
    public static readonly IReadOnlySet<string> Supported = new HashSet<string>(StringComparer.Ordinal)
    {
        "Identity", "Add", "AddV2", "AddN", "Mul", "Relu", "Relu6", "Sigmoid", "AvgPool", "ResizeBilinear",
        "Conv2D", "DepthwiseConv2dNative", "Conv2DBackpropInput",
    };

    /// <summary>
    /// Compiles <paramref name="node"/>. <paramref name="inputs"/> holds, per input, the constant's tensor in
    /// TensorFlow's layout or <see langword="null"/> for a computed (NCHW) value; on return, constants are
    /// replaced by the tensors the function expects. The function receives all inputs in the same order.
    /// </summary>
    public static Func<Tensor[], Tensor> Compile(TfjsGraphNode node, Tensor?[] inputs)
    {
        switch (node.Op)
        {
            case "Identity":
                Arity(node, inputs, 1);
                return x => x[0].alias();
            case "Add" or "AddV2" or "Mul":
                Arity(node, inputs, 2);
                Broadcastable(node, inputs);
                return node.Op == "Mul" ? x => x[0].mul(x[1]) : x => x[0].Plus(x[1]);
            case "AddN":
                if (inputs.Length == 0)
                {
                    throw node.Unsupported("input count 0");
                }

                Broadcastable(node, inputs);
                // The first sum is a new tensor, so the in-place additions after it never touch an input (or a constant).
                return x => x.Length == 1 ? x[0].alias() : x.Skip(2).Aggregate(x[0].Plus(x[1]), (sum, next) => sum.PlusInPlace(next));
            case "Relu":
                Arity(node, inputs, 1);
                return x => nn.functional.relu(x[0]);
            case "Relu6":
                Arity(node, inputs, 1);
                return x => nn.functional.relu6(x[0]);
            case "Sigmoid":
                Arity(node, inputs, 1);
                return x => x[0].sigmoid();
            case "AvgPool":
                Arity(node, inputs, 1);
                return AvgPool(node);
            case "ResizeBilinear":
                Arity(node, inputs, 2);
                return ResizeBilinear(node, inputs);
            case "Conv2D" or "DepthwiseConv2dNative":
                Arity(node, inputs, 2);
                return Convolution(node, inputs);
            case "Conv2DBackpropInput":
                Arity(node, inputs, 3);
                return TfjsGraphTransposedConv.Compile(node, inputs);
            default:
                throw node.Unsupported($"op '{node.Op}' (the TorchSharp graph runner supports {string.Join(", ", Supported.Order(StringComparer.Ordinal))})");
        }
    }

    /// <summary>The padding mode (SAME, VALID or EXPLICIT) and, for EXPLICIT, the (top, bottom, left, right) amounts; only NHWC graphs are accepted.</summary>
    public static (string Mode, long[] Explicit) Padding(TfjsGraphNode node)
    {
        if (node.String("data_format", "NHWC") != "NHWC")
        {
            throw node.Unsupported($"data_format '{node.String("data_format", string.Empty)}' (only NHWC)");
        }

        string mode = node.String("padding", "VALID");
        if (mode == "EXPLICIT")
        {
            long[] pads = node.Ints("explicit_paddings", Array.Empty<long>());
            if (pads.Length != 8 || pads[0] != 0 || pads[1] != 0 || pads[6] != 0 || pads[7] != 0 || pads.Any(p => p < 0))
            {
                throw node.Unsupported("explicit_paddings (need 8 non-negative values, none on batch or channels)");
            }

            return (mode, new[] { pads[2], pads[3], pads[4], pads[5] });
        }

        return mode is "SAME" or "VALID" ? (mode, Array.Empty<long>()) : throw node.Unsupported($"padding '{mode}'");
    }

    /// <summary>Requires a constant input of the given rank, naming the node otherwise.</summary>
    public static Tensor Constant(TfjsGraphNode node, Tensor?[] inputs, int index, int rank, string role) =>
        inputs[index] is { } value && value.dim() == rank ? value : throw node.Unsupported($"{role} (input {index} must be a constant of rank {rank})");

    private static void Arity(TfjsGraphNode node, Tensor?[] inputs, int count)
    {
        if (inputs.Length != count)
        {
            throw node.Unsupported($"input count {inputs.Length} (expected {count})");
        }
    }

    /// <summary>Puts constant operands of element-wise ops in NCHW: a per-channel vector [C] becomes [C, 1, 1], an NHWC tensor is permuted.</summary>
    private static void Broadcastable(TfjsGraphNode node, Tensor?[] inputs)
    {
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is not { } value)
            {
                continue;
            }

            inputs[i] = value.dim() switch
            {
                0 => value.alias(),
                1 => value.reshape(value.shape[0], 1, 1),
                4 => value.permute(0, 3, 1, 2).contiguous(),
                _ => throw node.Unsupported($"a rank-{value.dim()} constant operand (broadcasting is supported for scalars, [C] and NHWC tensors)"),
            };
        }
    }

    private static Func<Tensor[], Tensor> AvgPool(TfjsGraphNode node)
    {
        (string mode, _) = Padding(node);
        if (mode == "EXPLICIT")
        {
            throw node.Unsupported("EXPLICIT padding for a pool");
        }

        (long kh, long kw) = node.Spatial("ksize");
        (long sh, long sw) = node.Spatial("strides");
        long[] kernel = { kh, kw }, strides = { sh, sw };
        if (mode == "VALID")
        {
            return x => nn.functional.avg_pool2d(x[0], kernel, strides);
        }

        // TensorFlow averages only the cells inside the image; padding with zeros and dividing by the
        // average of a padded ones-plane gives the same, including TensorFlow's after-heavy odd padding.
        return x =>
        {
            using var scope = NewDisposeScope();
            Tensor padded = TfPadding.ForConvolution(x[0], kh, kw, sh, sw);
            Tensor ones = TfPadding.ForConvolution(ones_like(x[0], dtype: x[0].dtype, device: x[0].device), kh, kw, sh, sw);
            return nn.functional.avg_pool2d(padded, kernel, strides).div_(nn.functional.avg_pool2d(ones, kernel, strides)).MoveToOuterDisposeScope();
        };
    }

    private static Func<Tensor[], Tensor> ResizeBilinear(TfjsGraphNode node, Tensor?[] inputs)
    {
        Tensor size = Constant(node, inputs, 1, 1, "size");
        if (size.shape[0] != 2)
        {
            throw node.Unsupported("size (need [height, width])");
        }

        long[] target = size.data<float>().ToArray().Select(v => (long)v).ToArray();
        bool alignCorners = node.Bool("align_corners", false);
        bool halfPixel = node.Bool("half_pixel_centers", false);

        // PyTorch's align_corners=false is TensorFlow's half_pixel_centers=true; TensorFlow's legacy mode
        // (both false: source = destination * scale, no half-pixel shift) has no PyTorch counterpart.
        if (alignCorners == halfPixel || target.Any(v => v < 1))
        {
            throw node.Unsupported($"resize mode (align_corners={alignCorners}, half_pixel_centers={halfPixel}, size [{string.Join(", ", target)}]; need exactly one of the two flags)");
        }

        inputs[1] = null;
        return x => nn.functional.interpolate(x[0], target, mode: InterpolationMode.Bilinear, align_corners: alignCorners);
    }

    private static Func<Tensor[], Tensor> Convolution(TfjsGraphNode node, Tensor?[] inputs)
    {
        (string mode, long[] pads) = Padding(node);
        (long sh, long sw) = node.Spatial("strides");
        (long dh, long dw) = node.Spatial("dilations");
        Tensor filter = Constant(node, inputs, 1, 4, "filter");
        long kh = filter.shape[0], kw = filter.shape[1], channels = filter.shape[2];
        long groups = 1;
        Tensor weight;
        if (node.Op == "DepthwiseConv2dNative")
        {
            // [kh, kw, in, multiplier] -> [in * multiplier, 1, kh, kw]: output channel c * multiplier + m, as TensorFlow orders them.
            groups = channels;
            weight = filter.permute(2, 3, 0, 1).reshape(channels * filter.shape[3], 1, kh, kw).contiguous();
        }
        else
        {
            // [kh, kw, in, out] -> [out, in, kh, kw].
            weight = filter.permute(3, 2, 0, 1).contiguous();
        }

        inputs[1] = weight;
        long[] strides = { sh, sw }, dilations = { dh, dw };
        long extentH = ((kh - 1) * dh) + 1, extentW = ((kw - 1) * dw) + 1;
        return x =>
        {
            if (x[0].shape[1] != channels)
            {
                throw new ArgumentException($"Node '{node.Name}' expects {channels} channels but got {x[0].shape[1]}.");
            }

            using var scope = NewDisposeScope();
            Tensor padded = mode switch
            {
                "SAME" => TfPadding.ForConvolution(x[0], extentH, extentW, sh, sw),
                "EXPLICIT" => nn.functional.pad(x[0], new[] { pads[2], pads[3], pads[0], pads[1] }),
                _ => x[0].alias(),
            };
            return nn.functional.conv2d(padded, x[1], null, strides, dilation: dilations, groups: groups).MoveToOuterDisposeScope();
        };
    }
}
