using CoupleGen.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace CoupleGen.Faces;

/// <summary>
/// face-api.js's TinyFaceDetector (a Tiny YOLO v2 with depthwise separable convolutions): input
/// [N, 3, S, S] with S a multiple of 32, already mean-subtracted and divided by 255; output
/// [N, 25, S/32, S/32], five anchors x (x, y, w, h, score) per cell. Field names equal the TF.js
/// weight keys (<c>conv1/depthwise_filter</c> is <c>conv1.depthwise_filter</c>).
/// </summary>
internal sealed class TinyFaceDetectorNet : nn.Module<Tensor, Tensor>
{
    private const double LeakySlope = 0.1;

    private readonly TfConv conv0;
    private readonly TfSeparableConv conv1;
    private readonly TfSeparableConv conv2;
    private readonly TfSeparableConv conv3;
    private readonly TfSeparableConv conv4;
    private readonly TfSeparableConv conv5;
    private readonly TfConv conv8;

    public TinyFaceDetectorNet()
        : base(CoupleGenRuntime.InitializedName(nameof(TinyFaceDetectorNet)))
    {
        // The first convolution is 'valid' (no padding), as in face-api.js's runMobilenet.
        conv0 = new TfConv(nameof(conv0), 3, 16, kernel: 3, stride: 1, samePadding: false);
        conv1 = new TfSeparableConv(nameof(conv1), 16, 32, stride: 1);
        conv2 = new TfSeparableConv(nameof(conv2), 32, 64, stride: 1);
        conv3 = new TfSeparableConv(nameof(conv3), 64, 128, stride: 1);
        conv4 = new TfSeparableConv(nameof(conv4), 128, 256, stride: 1);
        conv5 = new TfSeparableConv(nameof(conv5), 256, 512, stride: 1);
        conv8 = new TfConv(nameof(conv8), 512, 25, kernel: 1, stride: 1, samePadding: false);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Scalar slope = Scalars.Of(LeakySlope);
        Tensor x = conv0.call(input).leaky_relu_(slope);
        x = TfPadding.MaxPool(x, 2, 2);
        x = TfPadding.MaxPool(conv1.call(x).leaky_relu_(slope), 2, 2);
        x = TfPadding.MaxPool(conv2.call(x).leaky_relu_(slope), 2, 2);
        x = TfPadding.MaxPool(conv3.call(x).leaky_relu_(slope), 2, 2);
        x = TfPadding.MaxPool(conv4.call(x).leaky_relu_(slope), 2, 2);
        x = TfPadding.MaxPool(conv5.call(x).leaky_relu_(slope), 2, 1);
        return conv8.call(x).MoveToOuterDisposeScope();
    }
}
