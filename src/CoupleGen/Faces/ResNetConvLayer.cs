using CoupleGen.Native;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CoupleGen.Faces;

/// <summary>
/// face-api.js's FaceRecognitionNet convLayer: a convolution (<c>conv</c>) followed by dlib's affine
/// "scale" layer (<c>scale/weights</c>, <c>scale/biases</c>, per channel; it stands in for batch norm),
/// optionally a ReLU.
/// </summary>
internal sealed class ResNetConvLayer : nn.Module<Tensor, Tensor>
{
    private readonly TfConv conv;
    private readonly Scale scale;
    private readonly bool withRelu;

    public ResNetConvLayer(string name, int inChannels, int outChannels, int kernel, int stride, bool samePadding, bool withRelu)
        : base(CoupleGenRuntime.InitializedName(name))
    {
        this.withRelu = withRelu;
        conv = new TfConv(nameof(conv), inChannels, outChannels, kernel, stride, samePadding);
        scale = new Scale(nameof(scale), outChannels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor x = scale.call(conv.call(input));
        return (withRelu ? x.relu_() : x).MoveToOuterDisposeScope();
    }

    private sealed class Scale : nn.Module<Tensor, Tensor>
    {
        private readonly Parameter weights;
        private readonly Parameter biases;

        public Scale(string name, int channels)
            : base(name)
        {
            weights = new Parameter(zeros(channels), requires_grad: false);
            biases = new Parameter(zeros(channels), requires_grad: false);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            long channels = weights.shape[0];
            Tensor x = input.mul(weights.view(1, channels, 1, 1));
            return x.PlusInPlace(biases.view(1, channels, 1, 1)).MoveToOuterDisposeScope();
        }
    }
}
