using CoupleGen.Native;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CoupleGen.Faces;

/// <summary>A TF.js dense layer: <c>weights</c> in TensorFlow's [in, out] layout (a matmul, no transpose) and <c>bias</c>.</summary>
internal sealed class TfFullyConnected : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weights;
    private readonly Parameter bias;

    public TfFullyConnected(string name, int inFeatures, int outFeatures)
        : base(CoupleGenRuntime.InitializedName(name))
    {
        weights = new Parameter(zeros(inFeatures, outFeatures), requires_grad: false);
        bias = new Parameter(zeros(outFeatures), requires_grad: false);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => input.matmul(weights).PlusInPlace(bias);
}
