using System;
using static TorchSharp.torch;

namespace CoupleGen.Models;

/// <summary>
/// The pix2pix U-Net generator (<c>UnetGenerator</c> of pytorch-CycleGAN-and-pix2pix): stride-2 4x4
/// convolutions down to a 1x1 bottleneck, transposed convolutions back up (or resize convolutions:
/// <see cref="UnetGeneratorOptions.Upsampling"/>), skip connections by
/// concatenation and a Tanh output in [-1, 1]. State-dict keys and shapes equal PyTorch's
/// (<c>model.model.0.weight</c> ...), so weights can be exchanged with it. <c>unet_256</c> with batch
/// norm has 54,413,955 parameters.
/// </summary>
public sealed class UnetGenerator : nn.Module<Tensor, Tensor>
{
    private readonly UnetSkipBlock model;

    /// <summary>Initializes a new instance of the <see cref="UnetGenerator"/> class on the CPU with pix2pix's initialization.</summary>
    /// <param name="options">The architecture; <see langword="null"/> for <see cref="UnetGeneratorOptions.Default"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public UnetGenerator(UnetGeneratorOptions? options = null)
        : base(Native.CoupleGenRuntime.InitializedName(nameof(UnetGenerator)))
    {
        Options = options ?? UnetGeneratorOptions.Default;
        Options.Validate();

        long ngf = Options.Filters;
        var norm = Options.Normalization;
        var up = Options.Upsampling;
        var block = new UnetSkipBlock(ngf * 8, ngf * 8, ngf * 8, inner: null, outermost: false, norm, useDropout: false, up);
        for (int i = 0; i < Options.Downsamplings - 5; i++)
        {
            block = new UnetSkipBlock(ngf * 8, ngf * 8, ngf * 8, block, outermost: false, norm, Options.UseDropout, up);
        }

        block = new UnetSkipBlock(ngf * 4, ngf * 8, ngf * 4, block, outermost: false, norm, useDropout: false, up);
        block = new UnetSkipBlock(ngf * 2, ngf * 4, ngf * 2, block, outermost: false, norm, useDropout: false, up);
        block = new UnetSkipBlock(ngf, ngf * 2, ngf, block, outermost: false, norm, useDropout: false, up);
        model = new UnetSkipBlock(Options.OutputChannels, ngf, Options.InputChannels, block, outermost: true, norm, useDropout: false, up);
        RegisterComponents();
        Layers.InitializeWeights(this);
    }

    /// <summary>Gets the architecture this generator was built with.</summary>
    public UnetGeneratorOptions Options { get; }

    /// <summary>Gets the number of trainable parameters.</summary>
    public long ParameterCount => Layers.CountParameters(this);

    /// <summary>Gets the outermost U-Net level, for exporters that walk the network.</summary>
    internal UnetSkipBlock Outermost => model;

    /// <summary>Maps a batch of images [N, InputChannels, H, W] in [-1, 1] to [N, OutputChannels, H, W] in [-1, 1].</summary>
    /// <param name="input">The batch; H and W must be multiples of <see cref="UnetGeneratorOptions.MinimumImageSize"/>.</param>
    /// <returns>The generated batch.</returns>
    /// <exception cref="ArgumentException">The shape does not fit the architecture.</exception>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckInput(input);
        return model.call(input);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            model.Dispose();
        }

        base.Dispose(disposing);
    }

    private void CheckInput(Tensor input)
    {
        int size = Options.MinimumImageSize;
        if (input.dim() != 4 || input.shape[1] != Options.InputChannels)
        {
            throw new ArgumentException($"The generator expects a batch [N, {Options.InputChannels}, H, W]; got [{string.Join(", ", input.shape)}].", nameof(input));
        }

        if (input.shape[2] % size != 0 || input.shape[3] % size != 0 || input.shape[2] == 0 || input.shape[3] == 0)
        {
            throw new ArgumentException($"The generator with {Options.Downsamplings} downsamplings needs H and W to be non-zero multiples of {size}; got {input.shape[2]}x{input.shape[3]}.", nameof(input));
        }
    }
}
