using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CoupleGen.Faces;

/// <summary>A TF.js convolution: parameters <c>filters</c> (stored here as [out, in, kh, kw]) and <c>bias</c>.</summary>
internal sealed class TfConv : nn.Module<Tensor, Tensor>
{
    private readonly Parameter filters;
    private readonly Parameter bias;
    private readonly int kernel;
    private readonly int stride;
    private readonly bool samePadding;

    public TfConv(string name, int inChannels, int outChannels, int kernel, int stride, bool samePadding)
        : base(Native.CoupleGenRuntime.InitializedName(name))
    {
        this.kernel = kernel;
        this.stride = stride;
        this.samePadding = samePadding;
        filters = new Parameter(zeros(outChannels, inChannels, kernel, kernel), requires_grad: false);
        bias = new Parameter(zeros(outChannels), requires_grad: false);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor padded = samePadding ? TfPadding.ForConvolution(input, kernel, stride) : input.alias();
        return nn.functional.conv2d(padded, filters, bias, strides: new long[] { stride, stride }).MoveToOuterDisposeScope();
    }
}
