using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CoupleGen.Models.ResNetUnet;

/// <summary>
/// One decoder level of a <see cref="ResNetUnetGenerator"/> (fastai's <c>UnetBlock</c> with a resize convolution):
/// double the size by nearest neighbour and a 3x3 convolution, concatenate the encoder's map of that size (if the level has a skip), then two
/// 3x3 convolutions, each followed by normalization and ReLU.
/// </summary>
internal sealed class ResNetUnetUpBlock : nn.Module<Tensor, Tensor?, Tensor>
{
    private static readonly double[] Doubling = { 2.0, 2.0 };

    private readonly Conv2d up;
    private readonly nn.Module<Tensor, Tensor> up_norm;
    private readonly Conv2d conv1;
    private readonly nn.Module<Tensor, Tensor> norm1;
    private readonly Conv2d conv2;
    private readonly nn.Module<Tensor, Tensor> norm2;

    public ResNetUnetUpBlock(long inChannels, long skipChannels, long outChannels, NormalizationKind normalization)
        : base(nameof(ResNetUnetUpBlock))
    {
        bool bias = Layers.ConvolutionHasBias(normalization);
        up = nn.Conv2d(inChannels, outChannels, kernel_size: 3, padding: 1, bias: bias);
        up_norm = Layers.Norm(normalization, outChannels);
        conv1 = nn.Conv2d(outChannels + skipChannels, outChannels, kernel_size: 3, padding: 1, bias: bias);
        norm1 = Layers.Norm(normalization, outChannels);
        conv2 = nn.Conv2d(outChannels, outChannels, kernel_size: 3, padding: 1, bias: bias);
        norm2 = Layers.Norm(normalization, outChannels);
        RegisterComponents();
    }

    /// <summary>Decodes <paramref name="input"/> to twice its size, using the encoder's <paramref name="skip"/> of that size if there is one.</summary>
    public override Tensor forward(Tensor input, Tensor? skip)
    {
        using var scope = NewDisposeScope();
        Tensor x = nn.functional.interpolate(input, scale_factor: Doubling, mode: InterpolationMode.Nearest);
        x = nn.functional.relu(up_norm.call(ConvolutionOverrides.Call(up, x)));
        x = skip is null ? x : torch.cat(new[] { x, skip }, 1);
        x = nn.functional.relu(norm1.call(ConvolutionOverrides.Call(conv1, x)));
        return nn.functional.relu(norm2.call(ConvolutionOverrides.Call(conv2, x))).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            up.Dispose();
            up_norm.Dispose();
            conv1.Dispose();
            norm1.Dispose();
            conv2.Dispose();
            norm2.Dispose();
        }

        base.Dispose(disposing);
    }
}
