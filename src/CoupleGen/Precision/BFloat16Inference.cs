using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CoupleGen.Precision;

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
        foreach (var convolution in generator.modules().OfType<Convolution>())
        {
            using Tensor channelsLast = ChannelsLast(convolution.weight!);
            ReplaceWeight(convolution, channelsLast);
        }
    }

    /// <summary>
    /// Gives a convolution (plain or transposed) a frozen weight over <paramref name="data"/>'s memory and
    /// disposes the old one. The module owns the new parameter: no dispose scope around the call frees it.
    /// </summary>
    public static void ReplaceWeight(Convolution convolution, Tensor data)
    {
        using Parameter old = convolution.weight!;
        var parameter = new Parameter(data, requires_grad: false);
        parameter.DetachFromDisposeScope();
        convolution.weight = parameter;
    }

    /// <summary>Resolves <see cref="InferencePrecision.Auto"/> for <paramref name="device"/>; other values stay as they are.</summary>
    public static InferencePrecision Resolve(InferencePrecision requested, Device device) =>
        requested == InferencePrecision.Auto
            ? Native.CpuFeatures.PrefersBFloat16(device) ? InferencePrecision.Bf16 : InferencePrecision.Fp32
            : requested;

    public static Tensor ToInput(Tensor batch)
    {
        using Tensor reduced = batch.to(ScalarType.BFloat16);
        return ChannelsLast(reduced);
    }

    /// <summary>Gets whether <paramref name="tensor"/> ([N, C, H, W], C > 1) is laid out channels-last.</summary>
    public static bool IsChannelsLast(Tensor tensor) => tensor.dim() == 4 && tensor.shape[1] > 1 && tensor.stride(1) == 1;

    /// <summary>Returns <paramref name="tensor"/> laid out channels-last (a permuted view of a dense NHWC tensor).</summary>
    /// <remarks>
    /// <c>contiguous()</c> keeps any stride on a dimension of size 1, but libtorch only takes a tensor for
    /// channels-last when its batch stride is at least C*H*W. A batch of one made with <c>unsqueeze(0)</c>
    /// from <see cref="Imaging.ImageTensor.ToTensor"/> (itself a channels-last view) has a batch stride of
    /// 3: libtorch reads it as NCHW, and every bfloat16 convolution after it then runs oneDNN's blocked
    /// NCHW kernels, whose results differ from run to run. Such a tensor is copied into a fresh buffer.
    /// </remarks>
    public static Tensor ChannelsLast(Tensor tensor)
    {
        using Tensor nhwc = tensor.permute(0, 2, 3, 1).contiguous();
        if (nhwc.stride(0) == nhwc.shape[1] * nhwc.shape[2] * nhwc.shape[3])
        {
            return nhwc.permute(0, 3, 1, 2);
        }

        using Tensor dense = torch.empty(nhwc.shape, nhwc.dtype, nhwc.device);
        dense.copy_(nhwc);
        return dense.permute(0, 3, 1, 2);
    }
}
