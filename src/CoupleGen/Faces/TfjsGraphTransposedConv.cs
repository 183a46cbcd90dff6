using System;
using static TorchSharp.torch;

namespace CoupleGen.Faces;

/// <summary>
/// TensorFlow's <c>Conv2DBackpropInput</c> (a transposed convolution) as <c>conv_transpose2d</c>. TensorFlow
/// states the output size (input_sizes) and pads like the forward convolution from that size, which may put
/// the odd pixel after the data; PyTorch's padding is symmetric. So the full, unpadded transposed
/// convolution is computed and the forward convolution's padding cropped off, zero-filling where the full
/// result is shorter than the stated size (positions no input pixel reached).
/// </summary>
internal static class TfjsGraphTransposedConv
{
    public static Func<Tensor[], Tensor> Compile(TfjsGraphNode node, Tensor?[] inputs)
    {
        (string mode, long[] pads) = TfjsGraphOps.Padding(node);
        (long sh, long sw) = node.Spatial("strides");
        (long dh, long dw) = node.Spatial("dilations");
        Tensor sizes = TfjsGraphOps.Constant(node, inputs, 0, 1, "input_sizes");
        Tensor filter = TfjsGraphOps.Constant(node, inputs, 1, 4, "filter");
        if (sizes.shape[0] != 4)
        {
            throw node.Unsupported("input_sizes (need [n, h, w, c])");
        }

        float[] size = sizes.data<float>().ToArray();
        long outH = (long)size[1], outW = (long)size[2], outC = (long)size[3];

        // TensorFlow's filter is [kh, kw, out, in] (the forward convolution's [kh, kw, in, out] read backwards); PyTorch's is [in, out, kh, kw].
        long kh = filter.shape[0], kw = filter.shape[1];
        if (filter.shape[2] != outC || outH < 1 || outW < 1)
        {
            throw node.Unsupported($"shapes (filter [{string.Join(", ", filter.shape)}] against input_sizes [{string.Join(", ", size)}])");
        }

        inputs[0] = null;
        inputs[1] = filter.permute(3, 2, 0, 1).contiguous();
        long extentH = ((kh - 1) * dh) + 1, extentW = ((kw - 1) * dw) + 1;
        long[] strides = { sh, sw }, dilations = { dh, dw };
        return x =>
        {
            Tensor input = x[2];
            long inH = input.shape[2], inW = input.shape[3];
            (long top, long left) = mode switch
            {
                "SAME" => (TfPadding.Amounts(outH, extentH, sh).Before, TfPadding.Amounts(outW, extentW, sw).Before),
                "EXPLICIT" => (pads[0], pads[2]),
                _ => (0L, 0L),
            };

            // The forward convolution from the stated size must give the input's size, or the sizes do not belong together.
            long forwardH = mode == "SAME" ? (outH + sh - 1) / sh : ((outH + (mode == "EXPLICIT" ? pads[0] + pads[1] : 0) - extentH) / sh) + 1;
            long forwardW = mode == "SAME" ? (outW + sw - 1) / sw : ((outW + (mode == "EXPLICIT" ? pads[2] + pads[3] : 0) - extentW) / sw) + 1;
            if (forwardH != inH || forwardW != inW)
            {
                throw new ArgumentException($"Node '{node.Name}' gets a {inH}x{inW} input but its stated {outH}x{outW} output convolves to {forwardH}x{forwardW}.");
            }

            using var scope = NewDisposeScope();
            Tensor full = nn.functional.conv_transpose2d(input, x[1], null, strides, dilation: dilations);
            long fullH = full.shape[2], fullW = full.shape[3];
            long shortH = Math.Max(0, top + outH - fullH), shortW = Math.Max(0, left + outW - fullW);
            if (shortH > 0 || shortW > 0)
            {
                full = nn.functional.pad(full, new[] { 0L, shortW, 0L, shortH });
            }

            return full.narrow(2, top, outH).narrow(3, left, outW).contiguous().MoveToOuterDisposeScope();
        };
    }
}
