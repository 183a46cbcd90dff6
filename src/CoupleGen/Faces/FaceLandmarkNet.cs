using CoupleGen.Native;
using static TorchSharp.torch;

namespace CoupleGen.Faces;

/// <summary>
/// face-api.js's FaceLandmark68Net: four dense blocks (32, 64, 128, 256 channels, each halving the
/// size), a global average pool and a fully connected layer. Input [N, 3, 112, 112], mean-subtracted
/// and divided by 255; output [N, 136]: x0, y0, x1, y1, ... relative to the 112x112 input.
/// </summary>
internal sealed class FaceLandmarkNet : nn.Module<Tensor, Tensor>
{
    /// <summary>The side of the square input.</summary>
    public const int InputSize = 112;

    private readonly LandmarkDenseBlock dense0;
    private readonly LandmarkDenseBlock dense1;
    private readonly LandmarkDenseBlock dense2;
    private readonly LandmarkDenseBlock dense3;
    private readonly TfFullyConnected fc;

    public FaceLandmarkNet()
        : base(CoupleGenRuntime.InitializedName(nameof(FaceLandmarkNet)))
    {
        dense0 = new LandmarkDenseBlock(nameof(dense0), 3, 32, isFirst: true);
        dense1 = new LandmarkDenseBlock(nameof(dense1), 32, 64, isFirst: false);
        dense2 = new LandmarkDenseBlock(nameof(dense2), 64, 128, isFirst: false);
        dense3 = new LandmarkDenseBlock(nameof(dense3), 128, 256, isFirst: false);
        fc = new TfFullyConnected(nameof(fc), 256, 136);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor x = dense3.call(dense2.call(dense1.call(dense0.call(input))));

        // face-api.js pools 7x7 with stride 2 'valid' over the 7x7 map: one window, i.e. the mean.
        Tensor pooled = x.mean(new long[] { 2, 3 });
        return fc.call(pooled).MoveToOuterDisposeScope();
    }
}
