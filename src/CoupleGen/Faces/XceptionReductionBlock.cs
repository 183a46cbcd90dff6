using CoupleGen.Native;
using static TorchSharp.torch;

namespace CoupleGen.Faces;

/// <summary>
/// face-api.js's TinyXception reductionBlock: two separable convolutions and a 3x3 stride-2 'same'
/// max pool, plus a stride-2 1x1 <c>expansion_conv</c> shortcut from the block's input, halving the size.
/// </summary>
internal sealed class XceptionReductionBlock : nn.Module<Tensor, Tensor>
{
    private readonly TfSeparableConv separable_conv0;
    private readonly TfSeparableConv separable_conv1;
    private readonly TfConv expansion_conv;
    private readonly bool activateInput;

    /// <param name="name">The TF.js key of the block.</param>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="activateInput">False for the first block, whose input is already a ReLU's output (face-api.js's isActivateInput).</param>
    public XceptionReductionBlock(string name, int inChannels, int outChannels, bool activateInput)
        : base(CoupleGenRuntime.InitializedName(name))
    {
        this.activateInput = activateInput;
        separable_conv0 = new TfSeparableConv(nameof(separable_conv0), inChannels, outChannels, stride: 1);
        separable_conv1 = new TfSeparableConv(nameof(separable_conv1), outChannels, outChannels, stride: 1);
        expansion_conv = new TfConv(nameof(expansion_conv), inChannels, outChannels, kernel: 1, stride: 2, samePadding: true);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor x = activateInput ? input.relu() : input.alias();
        x = separable_conv0.call(x);
        x = separable_conv1.call(x.relu_());
        x = TfPadding.MaxPool(x, 3, 2);
        return x.PlusInPlace(expansion_conv.call(input)).MoveToOuterDisposeScope();
    }
}
