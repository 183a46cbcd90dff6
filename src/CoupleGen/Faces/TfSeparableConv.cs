using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CoupleGen.Faces;

/// <summary>
/// A TF.js depthwise separable convolution with 'same' padding: a 3x3 per-channel filter
/// (<c>depthwise_filter</c>, stored as [in, 1, 3, 3]), then a 1x1 mix (<c>pointwise_filter</c>, [out, in, 1, 1])
/// and <c>bias</c>. No activation; the networks add their own.
/// </summary>
internal sealed class TfSeparableConv : nn.Module<Tensor, Tensor>
{
    private readonly Parameter depthwise_filter;
    private readonly Parameter pointwise_filter;
    private readonly Parameter bias;
    private readonly int stride;
    private readonly long inChannels;

    public TfSeparableConv(string name, int inChannels, int outChannels, int stride)
        : base(Native.CoupleGenRuntime.InitializedName(name))
    {
        this.stride = stride;
        this.inChannels = inChannels;
        depthwise_filter = new Parameter(zeros(inChannels, 1, 3, 3), requires_grad: false);
        pointwise_filter = new Parameter(zeros(outChannels, inChannels, 1, 1), requires_grad: false);
        bias = new Parameter(zeros(outChannels), requires_grad: false);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor padded = TfPadding.ForConvolution(input, 3, stride);
        Tensor depthwise = nn.functional.conv2d(padded, depthwise_filter, null, strides: new long[] { stride, stride }, groups: inChannels);
        return nn.functional.conv2d(depthwise, pointwise_filter, bias).MoveToOuterDisposeScope();
    }
}
