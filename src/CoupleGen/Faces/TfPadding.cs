using TorchSharp;
using static TorchSharp.torch;

namespace CoupleGen.Faces;

/// <summary>
/// TensorFlow's 'same' padding. Unlike PyTorch's symmetric padding, TensorFlow puts the odd pixel of
/// a strided window after the data (right and bottom), so a stride-2 3x3 convolution on an even size
/// pads 0 before and 1 after; getting this wrong shifts every landmark by a fraction of a cell.
/// </summary>
internal static class TfPadding
{
    /// <summary>Zero-pads [N, C, H, W] for a 'same' convolution.</summary>
    public static Tensor ForConvolution(Tensor input, int kernel, int stride)
    {
        (long top, long bottom) = Amounts(input.shape[2], kernel, stride);
        (long left, long right) = Amounts(input.shape[3], kernel, stride);
        return top == 0 && bottom == 0 && left == 0 && right == 0
            ? input.alias()
            : nn.functional.pad(input, new[] { left, right, top, bottom });
    }

    /// <summary>Zero-pads [N, C, H, W] for a 'same' window of <paramref name="kernelHeight"/> x <paramref name="kernelWidth"/> (dilated extent) and the given strides.</summary>
    public static Tensor ForConvolution(Tensor input, long kernelHeight, long kernelWidth, long strideHeight, long strideWidth)
    {
        (long top, long bottom) = Amounts(input.shape[2], kernelHeight, strideHeight);
        (long left, long right) = Amounts(input.shape[3], kernelWidth, strideWidth);
        return top == 0 && bottom == 0 && left == 0 && right == 0
            ? input.alias()
            : nn.functional.pad(input, new[] { left, right, top, bottom });
    }

    /// <summary>Max-pools [N, C, H, W] with 'same' padding.</summary>
    public static Tensor MaxPool(Tensor input, int kernel, int stride)
    {
        (long top, long bottom) = Amounts(input.shape[2], kernel, stride);
        (long left, long right) = Amounts(input.shape[3], kernel, stride);

        // TensorFlow ignores padded cells in a max pool. With padding only after the data (kernel 2),
        // repeating the last row and column gives the same maxima as ignoring the cells.
        using Tensor padded = nn.functional.pad(input, new[] { left, right, top, bottom }, PaddingModes.Replicate);
        return nn.functional.max_pool2d(padded, new long[] { kernel, kernel }, new long[] { stride, stride });
    }

    /// <summary>The zeros TensorFlow puts before and after a dimension of <paramref name="size"/> for a 'same' window.</summary>
    public static (long Before, long After) Amounts(long size, long kernel, long stride)
    {
        long output = (size + stride - 1) / stride;
        long total = System.Math.Max(((output - 1) * stride) + kernel - size, 0);
        return (total / 2, total - (total / 2));
    }
}
