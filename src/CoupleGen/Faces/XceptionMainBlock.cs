using CoupleGen.Native;
using static TorchSharp.torch;

namespace CoupleGen.Faces;

/// <summary>face-api.js's TinyXception mainBlock: three ReLU-then-separable convolutions and a residual sum; the size is kept.</summary>
internal sealed class XceptionMainBlock : nn.Module<Tensor, Tensor>
{
    private readonly TfSeparableConv separable_conv0;
    private readonly TfSeparableConv separable_conv1;
    private readonly TfSeparableConv separable_conv2;

    public XceptionMainBlock(string name, int channels)
        : base(CoupleGenRuntime.InitializedName(name))
    {
        separable_conv0 = new TfSeparableConv(nameof(separable_conv0), channels, channels, stride: 1);
        separable_conv1 = new TfSeparableConv(nameof(separable_conv1), channels, channels, stride: 1);
        separable_conv2 = new TfSeparableConv(nameof(separable_conv2), channels, channels, stride: 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor x = separable_conv0.call(input.relu());
        x = separable_conv1.call(x.relu_());
        x = separable_conv2.call(x.relu_());
        return x.PlusInPlace(input).MoveToOuterDisposeScope();
    }
}
