using CoupleGen.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace CoupleGen.Models;

/// <summary>
/// LeakyReLU with a process-lifetime slope scalar. TorchSharp's own module converts its slope to a
/// temporary native Scalar on every call; nothing keeps that temporary alive during the native call,
/// so a garbage collection can finalize it mid-call (a 10,000-generation soak crashed this way after
/// about 1,000 generations). It has no parameters, so state-dict keys are unchanged.
/// </summary>
internal sealed class LeakyRelu : nn.Module<Tensor, Tensor>
{
    private readonly Scalar slope;
    private readonly bool inplace;

    public LeakyRelu(double slope, bool inplace)
        : base(nameof(LeakyRelu))
    {
        this.slope = Scalars.Of(slope);
        this.inplace = inplace;
    }

    // Like TorchSharp's in-place modules, return a new handle to the modified tensor: Sequential disposes
    // intermediate handles, and the caller's handle to the input must survive (the U-Net concatenates it).
    public override Tensor forward(Tensor input) => inplace ? input.leaky_relu_(slope).alias() : input.leaky_relu(slope);
}
