using static TorchSharp.torch;
using CoupleGen.Native;

namespace CoupleGen.Faces;

/// <summary>
/// face-api.js's denseBlock4: a stride-2 convolution (a plain one in the first block, separable after)
/// followed by three separable convolutions, each fed the ReLU of the sum of all earlier outputs.
/// </summary>
internal sealed class LandmarkDenseBlock : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> conv0;
    private readonly TfSeparableConv conv1;
    private readonly TfSeparableConv conv2;
    private readonly TfSeparableConv conv3;

    public LandmarkDenseBlock(string name, int inChannels, int outChannels, bool isFirst)
        : base(Native.CoupleGenRuntime.InitializedName(name))
    {
        conv0 = isFirst
            ? new TfConv(nameof(conv0), inChannels, outChannels, kernel: 3, stride: 2, samePadding: true)
            : new TfSeparableConv(nameof(conv0), inChannels, outChannels, stride: 2);
        conv1 = new TfSeparableConv(nameof(conv1), outChannels, outChannels, stride: 1);
        conv2 = new TfSeparableConv(nameof(conv2), outChannels, outChannels, stride: 1);
        conv3 = new TfSeparableConv(nameof(conv3), outChannels, outChannels, stride: 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor out1 = conv0.call(input).relu_();
        Tensor out2 = conv1.call(out1);
        Tensor out3 = conv2.call(out1.Plus(out2).relu_());
        Tensor out4 = conv3.call(out1.Plus(out2).PlusInPlace(out3).relu_());
        return out1.Plus(out2).PlusInPlace(out3).PlusInPlace(out4).relu_().MoveToOuterDisposeScope();
    }
}
