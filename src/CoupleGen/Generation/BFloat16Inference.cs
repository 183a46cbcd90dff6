using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CoupleGen.Generation;

/// <summary>
/// Converts a generator to bfloat16 with channels-last convolution weights, and batches to match.
/// TorchSharp has no memory-format API, but libtorch derives the layout from the strides, so a
/// permute-copy-permute gives a channels-last tensor with the usual [N, C, H, W] shape.
/// </summary>
internal static class BFloat16Inference
{
    public static void Convert(nn.Module generator)
    {
        generator.to(ScalarType.BFloat16);
        using var noGrad = torch.no_grad();
        foreach (var module in generator.modules())
        {
            switch (module)
            {
                case Conv2d convolution:
                    using (Parameter old = convolution.weight!)
                    {
                        convolution.weight = ChannelsLastParameter(old);
                    }

                    break;
                case ConvTranspose2d transposed:
                    using (Parameter old = transposed.weight!)
                    {
                        transposed.weight = ChannelsLastParameter(old);
                    }

                    break;
            }
        }
    }

    public static Tensor ToInput(Tensor batch)
    {
        using Tensor reduced = batch.to(ScalarType.BFloat16);
        return ChannelsLast(reduced);
    }

    // The module owns its parameters: a dispose scope around the conversion must not free them.
    private static Parameter ChannelsLastParameter(Parameter weight)
    {
        using Tensor channelsLast = ChannelsLast(weight);
        var parameter = new Parameter(channelsLast, requires_grad: false);
        parameter.DetachFromDisposeScope();
        return parameter;
    }

    private static Tensor ChannelsLast(Tensor tensor)
    {
        using Tensor nhwc = tensor.permute(0, 2, 3, 1).contiguous();
        return nhwc.permute(0, 3, 1, 2);
    }
}
