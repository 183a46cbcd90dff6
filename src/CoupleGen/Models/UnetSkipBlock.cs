using System.Collections.Generic;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CoupleGen.Models;

/// <summary>
/// One level of the U-Net, as pix2pix's <c>UnetSkipConnectionBlock</c>: down, inner block, up, and
/// (except at the outermost level) the input concatenated with the result. Its single child is named
/// <c>model</c> and holds the layers in the reference order, so state-dict keys match PyTorch's.
/// </summary>
internal sealed class UnetSkipBlock : nn.Module<Tensor, Tensor>
{
    private readonly Sequential model;
    private readonly bool outermost;

    public UnetSkipBlock(long outerChannels, long innerChannels, long inputChannels, UnetSkipBlock? inner, bool outermost, NormalizationKind normalization, bool useDropout, UnetUpsampling upsampling)
        : base(nameof(UnetSkipBlock))
    {
        this.outermost = outermost;
        bool bias = Layers.ConvolutionHasBias(normalization);
        var layers = new List<nn.Module<Tensor, Tensor>>();

        // The reference uses in-place activations; the in-place LeakyReLU at the start of an inner
        // block also rewrites that block's input, so the skip connection carries the activated
        // features. Keeping inplace here reproduces PyTorch's outputs exactly.
        if (outermost)
        {
            layers.Add(Layers.Down(inputChannels, innerChannels, bias));
            layers.Add(inner!);
            layers.Add(nn.ReLU(inplace: true));
            layers.AddRange(Layers.Up(innerChannels * 2, outerChannels, bias: true, upsampling));
            layers.Add(nn.Tanh());
        }
        else if (inner is null)
        {
            layers.Add(new LeakyRelu(0.2, inplace: true));
            layers.Add(Layers.Down(inputChannels, innerChannels, bias));
            layers.Add(nn.ReLU(inplace: true));
            layers.AddRange(Layers.Up(innerChannels, outerChannels, bias, upsampling));
            layers.Add(Layers.Norm(normalization, outerChannels));
        }
        else
        {
            layers.Add(new LeakyRelu(0.2, inplace: true));
            layers.Add(Layers.Down(inputChannels, innerChannels, bias));
            layers.Add(Layers.Norm(normalization, innerChannels));
            layers.Add(inner);
            layers.Add(nn.ReLU(inplace: true));
            layers.AddRange(Layers.Up(innerChannels * 2, outerChannels, bias, upsampling));
            layers.Add(Layers.Norm(normalization, outerChannels));
            if (useDropout)
            {
                layers.Add(nn.Dropout(0.5));
            }
        }

        model = nn.Sequential(layers);
        RegisterComponents();
    }

    /// <summary>Gets the layers in reference order (the inner level among them).</summary>
    internal IEnumerable<nn.Module> Children => model.children();

    /// <summary>Gets a value indicating whether this is the outermost level (no concatenation).</summary>
    internal bool IsOutermost => outermost;

    public override Tensor forward(Tensor input)
    {
        if (outermost)
        {
            return ConvolutionOverrides.Run(model, input);
        }

        using var scope = NewDisposeScope();
        return torch.cat(new[] { input, ConvolutionOverrides.Run(model, input) }, 1).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            model.Dispose();
        }

        base.Dispose(disposing);
    }
}
