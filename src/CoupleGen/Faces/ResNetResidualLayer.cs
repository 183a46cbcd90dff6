using CoupleGen.Native;
using static TorchSharp.torch;

namespace CoupleGen.Faces;

/// <summary>
/// face-api.js's FaceRecognitionNet residual and residualDown layers. The plain layer adds its input;
/// the down layer halves the size with a stride-2 'valid' <c>conv1</c> and adds a 2x2 average pool of its
/// input, zero-extended in channels (dlib's shortcut has no projection) and, when the 'valid' convolution
/// comes out one cell smaller than the pool (odd sizes), with the output zero-extended at the bottom and right.
/// </summary>
internal sealed class ResNetResidualLayer : nn.Module<Tensor, Tensor>
{
    private readonly ResNetConvLayer conv1;
    private readonly ResNetConvLayer conv2;
    private readonly bool down;

    public ResNetResidualLayer(string name, int inChannels, int outChannels, bool down)
        : base(CoupleGenRuntime.InitializedName(name))
    {
        this.down = down;
        conv1 = new ResNetConvLayer(nameof(conv1), inChannels, outChannels, kernel: 3, stride: down ? 2 : 1, samePadding: !down, withRelu: true);
        conv2 = new ResNetConvLayer(nameof(conv2), outChannels, outChannels, kernel: 3, stride: 1, samePadding: true, withRelu: false);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor x = conv2.call(conv1.call(input));
        if (!down)
        {
            return x.PlusInPlace(input).relu_().MoveToOuterDisposeScope();
        }

        Tensor pooled = nn.functional.avg_pool2d(input, new long[] { 2, 2 }, new long[] { 2, 2 });
        if (pooled.shape[2] != x.shape[2] || pooled.shape[3] != x.shape[3])
        {
            x = nn.functional.pad(x, new long[] { 0, 1, 0, 1 });
        }

        if (pooled.shape[1] != x.shape[1])
        {
            pooled = nn.functional.pad(pooled, new long[] { 0, 0, 0, 0, 0, x.shape[1] - pooled.shape[1] });
        }

        return pooled.PlusInPlace(x).relu_().MoveToOuterDisposeScope();
    }
}
