using System.Linq;
using TorchSharp.Modules;
using static TorchSharp.torch;
using CoupleGen.Native;

namespace CoupleGen.Models.ResNet;

/// <summary>torchvision's BasicBlock: two 3x3 convolutions with batch norm, and a 1x1 projection on the shortcut when the shape changes.</summary>
internal sealed class ResNetBasicBlock : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Sequential? downsample;

    public ResNetBasicBlock(long inChannels, long outChannels, long stride)
        : base(nameof(ResNetBasicBlock))
    {
        conv1 = nn.Conv2d(inChannels, outChannels, kernel_size: 3, stride: stride, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(outChannels);
        conv2 = nn.Conv2d(outChannels, outChannels, kernel_size: 3, padding: 1, bias: false);
        bn2 = nn.BatchNorm2d(outChannels);
        if (stride != 1 || inChannels != outChannels)
        {
            downsample = nn.Sequential(
                nn.Conv2d(inChannels, outChannels, kernel_size: 1, stride: stride, bias: false),
                nn.BatchNorm2d(outChannels));
        }

        RegisterComponents();
    }

    /// <summary>A stage (torchvision's <c>layerN</c>): <paramref name="blocks"/> blocks, the first changing the shape.</summary>
    public static Sequential Stage(long inChannels, long outChannels, long stride, int blocks) =>
        nn.Sequential(Enumerable.Range(0, blocks).Select(b => b == 0
            ? new ResNetBasicBlock(inChannels, outChannels, stride)
            : new ResNetBasicBlock(outChannels, outChannels, 1)));

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor x = nn.functional.relu(bn1.call(ConvolutionOverrides.Call(conv1, input)));
        x = bn2.call(ConvolutionOverrides.Call(conv2, x));
        Tensor shortcut = downsample is null ? input : ConvolutionOverrides.Run(downsample, input);
        return nn.functional.relu(x.PlusInPlace(shortcut)).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            conv1.Dispose();
            bn1.Dispose();
            conv2.Dispose();
            bn2.Dispose();
            downsample?.Dispose();
        }

        base.Dispose(disposing);
    }
}
