using System;
using System.Linq;
using CoupleGen.Native;
using CoupleGen.Precision;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CoupleGen.Kernels;

/// <content>The kernels themselves: a convolution in a chosen format, with zero-padded output channels, or as an unfolded matrix product.</content>
internal sealed partial class CheckedConvolutions
{
    /// <summary>
    /// A convolution as a matrix product over unfolded patches (im2col), in the input's format: its
    /// gradients come from <c>fold</c>/<c>unfold</c> and a matrix product, none of which goes through
    /// oneDNN's convolutions, and the weight is read in its own layout.
    /// </summary>
    private static Tensor Unfolded(Convolution convolution, Tensor input, Tensor weight, Tensor? bias)
    {
        long[] kernel = convolution.kernel_size;
        long[] stride = convolution.stride;
        long[] padding = convolution.padding ?? new long[stride.Length];
        long[] dilation = convolution.dilation;
        if (convolution.groups != 1 || kernel[0] != kernel[1] || stride[0] != stride[1] || padding[0] != padding[1] || dilation[0] != dilation[1])
        {
            throw new NotSupportedException("The unfolded convolution takes square, ungrouped convolutions only.");
        }

        long batch = input.shape[0];
        Tensor y;
        long height = ConvolutionInputs.OutputSize(convolution, input.shape[2], 0);
        long width = ConvolutionInputs.OutputSize(convolution, input.shape[3], 1);
        if (convolution is ConvTranspose2d)
        {
            // [N, in, H*W] -> columns [N, out*k*k, H*W] -> folded into the output image.
            Tensor columns = weight.flatten(1).t().matmul(input.flatten(2));
            y = nn.functional.fold(columns, (height, width), (kernel[0], kernel[1]), (dilation[0], dilation[1]), (padding[0], padding[1]), (stride[0], stride[1]));
        }
        else
        {
            Tensor columns = nn.functional.unfold(input, kernel[0], dilation[0], padding[0], stride[0]);
            y = weight.flatten(1).matmul(columns).view(batch, convolution.out_channels, height, width);
        }

        return bias is null ? y : y.Plus(bias.view(1, -1, 1, 1));
    }

    private static Func<Tensor, Tensor> Kernel(Convolution convolution, ConvolutionKernel kernel) =>
        x => Compute(convolution, kernel, x, convolution.weight, convolution.bias);

    /// <summary>
    /// One convolution with <paramref name="kernel"/>: the weight and bias are cast to its format (the cast
    /// carries their gradients back), the input too, and the output is returned in the input's format.
    /// </summary>
    internal static Tensor Compute(Convolution convolution, ConvolutionKernel kernel, Tensor input, Tensor weight, Tensor? bias)
    {
        ScalarType format = IsBf16(kernel) ? ScalarType.BFloat16 : ScalarType.Float32;
        if (kernel is ConvolutionKernel.Unfolded or ConvolutionKernel.Bf16Unfolded)
        {
            // The product comes out NCHW; the next layer's check assumed the layout this layer was given.
            Tensor product = Unfolded(convolution, input.to(format), weight.to(format), bias?.to(format)).to(input.dtype);
            return BFloat16Inference.IsChannelsLast(input) ? BFloat16Inference.ChannelsLast(product) : product;
        }

        bool padded = kernel is ConvolutionKernel.Bf16Padded or ConvolutionKernel.Fp32Padded;
        Tensor w = weight.to(format);
        Tensor? b = bias?.to(format);
        long outputs = convolution.out_channels;
        long missing = (ChannelMultiple - (outputs % ChannelMultiple)) % ChannelMultiple;
        if (padded && missing > 0)
        {
            // Transposed weights are [in, out, kH, kW], plain ones [out, in, kH, kW].
            int outputDimension = convolution is ConvTranspose2d ? 1 : 0;
            long[] zerosShape = w.shape.ToArray();
            zerosShape[outputDimension] = missing;
            w = torch.cat(new[] { w, torch.zeros(zerosShape, format, w.device) }, outputDimension);
            b = b is null ? null : torch.cat(new[] { b, torch.zeros(new[] { missing }, format, b.device) }, 0);
        }

        Tensor y = convolution switch
        {
            ConvTranspose2d deconv => nn.functional.conv_transpose2d(input.to(format), w, b, deconv.stride, deconv.padding, deconv.output_padding, deconv.dilation, deconv.groups),
            Conv2d conv => nn.functional.conv2d(input.to(format), w, b, conv.stride, conv.padding, conv.dilation, conv.groups),
            _ => throw new NotSupportedException($"The trainer cannot run a {convolution.GetType().Name}."),
        };
        if (padded && missing > 0)
        {
            y = y.narrow(1, 0, outputs);
        }

        return y.to(input.dtype);
    }
}
