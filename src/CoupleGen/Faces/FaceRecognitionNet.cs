using CoupleGen.Native;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CoupleGen.Faces;

/// <summary>
/// face-api.js's FaceRecognitionNet, a port of dlib's ResNet-34-like face recognition network
/// (dlib_face_recognition_resnet_model_v1): input [N, 3, 150, 150], mean-subtracted and divided by 255;
/// output the 128-D descriptor [N, 128], not normalized (face-api.js compares descriptors by Euclidean
/// distance, same person below 0.6). Field names equal the TF.js keys.
/// </summary>
internal sealed class FaceRecognitionNet : nn.Module<Tensor, Tensor>
{
    /// <summary>The side of the square input.</summary>
    public const int InputSize = 150;

    /// <summary>The length of a descriptor.</summary>
    public const int DescriptorLength = 128;

    private readonly ResNetConvLayer conv32_down;
    private readonly ResNetResidualLayer conv32_1;
    private readonly ResNetResidualLayer conv32_2;
    private readonly ResNetResidualLayer conv32_3;
    private readonly ResNetResidualLayer conv64_down;
    private readonly ResNetResidualLayer conv64_1;
    private readonly ResNetResidualLayer conv64_2;
    private readonly ResNetResidualLayer conv64_3;
    private readonly ResNetResidualLayer conv128_down;
    private readonly ResNetResidualLayer conv128_1;
    private readonly ResNetResidualLayer conv128_2;
    private readonly ResNetResidualLayer conv256_down;
    private readonly ResNetResidualLayer conv256_1;
    private readonly ResNetResidualLayer conv256_2;
    private readonly ResNetResidualLayer conv256_down_out;
    private readonly Parameter fc;

    public FaceRecognitionNet()
        : base(CoupleGenRuntime.InitializedName(nameof(FaceRecognitionNet)))
    {
        conv32_down = new ResNetConvLayer(nameof(conv32_down), 3, 32, kernel: 7, stride: 2, samePadding: false, withRelu: true);
        conv32_1 = new ResNetResidualLayer(nameof(conv32_1), 32, 32, down: false);
        conv32_2 = new ResNetResidualLayer(nameof(conv32_2), 32, 32, down: false);
        conv32_3 = new ResNetResidualLayer(nameof(conv32_3), 32, 32, down: false);
        conv64_down = new ResNetResidualLayer(nameof(conv64_down), 32, 64, down: true);
        conv64_1 = new ResNetResidualLayer(nameof(conv64_1), 64, 64, down: false);
        conv64_2 = new ResNetResidualLayer(nameof(conv64_2), 64, 64, down: false);
        conv64_3 = new ResNetResidualLayer(nameof(conv64_3), 64, 64, down: false);
        conv128_down = new ResNetResidualLayer(nameof(conv128_down), 64, 128, down: true);
        conv128_1 = new ResNetResidualLayer(nameof(conv128_1), 128, 128, down: false);
        conv128_2 = new ResNetResidualLayer(nameof(conv128_2), 128, 128, down: false);
        conv256_down = new ResNetResidualLayer(nameof(conv256_down), 128, 256, down: true);
        conv256_1 = new ResNetResidualLayer(nameof(conv256_1), 256, 256, down: false);
        conv256_2 = new ResNetResidualLayer(nameof(conv256_2), 256, 256, down: false);
        conv256_down_out = new ResNetResidualLayer(nameof(conv256_down_out), 256, 256, down: true);
        fc = new Parameter(zeros(256, DescriptorLength), requires_grad: false);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor x = conv32_down.call(input);
        x = nn.functional.max_pool2d(x, new long[] { 3, 3 }, new long[] { 2, 2 });

        x = conv32_3.call(conv32_2.call(conv32_1.call(x)));
        x = conv64_3.call(conv64_2.call(conv64_1.call(conv64_down.call(x))));
        x = conv128_2.call(conv128_1.call(conv128_down.call(x)));
        x = conv256_2.call(conv256_1.call(conv256_down.call(x)));
        x = conv256_down_out.call(x);

        Tensor globalAverage = x.mean(new long[] { 2, 3 });
        return globalAverage.matmul(fc).MoveToOuterDisposeScope();
    }
}
