using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CoupleGen.Models;

/// <summary>
/// The pix2pix PatchGAN discriminator (<c>NLayerDiscriminator</c>): it classifies overlapping patches
/// (70x70 with 3 layers) of the condition and image concatenated along channels, and returns one
/// logit per patch (30x30 at 256x256). State-dict keys equal PyTorch's (<c>model.0.weight</c> ...).
/// With defaults it has 2,768,705 parameters.
/// </summary>
public sealed class PatchDiscriminator : nn.Module<Tensor, Tensor>
{
    private readonly Sequential model;

    /// <summary>Initializes a new instance of the <see cref="PatchDiscriminator"/> class on the CPU with pix2pix's initialization.</summary>
    /// <param name="options">The architecture; <see langword="null"/> for <see cref="PatchDiscriminatorOptions.Default"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public PatchDiscriminator(PatchDiscriminatorOptions? options = null)
        : base(Native.CoupleGenRuntime.InitializedName(nameof(PatchDiscriminator)))
    {
        Options = options ?? PatchDiscriminatorOptions.Default;
        Options.Validate();

        bool bias = Layers.ConvolutionHasBias(Options.Normalization);
        long ndf = Options.Filters;
        var layers = new List<nn.Module<Tensor, Tensor>>
        {
            nn.Conv2d(Options.InputChannels, ndf, kernel_size: 4, stride: 2, padding: 1, bias: true),
            new LeakyRelu(0.2, inplace: true),
        };

        long multiplier = 1;
        for (int n = 1; n < Options.Layers; n++)
        {
            long previous = multiplier;
            multiplier = Math.Min(1L << n, 8);
            layers.Add(nn.Conv2d(ndf * previous, ndf * multiplier, kernel_size: 4, stride: 2, padding: 1, bias: bias));
            layers.Add(Layers.Norm(Options.Normalization, ndf * multiplier));
            layers.Add(new LeakyRelu(0.2, inplace: true));
        }

        long last = multiplier;
        multiplier = Math.Min(1L << Options.Layers, 8);
        layers.Add(nn.Conv2d(ndf * last, ndf * multiplier, kernel_size: 4, stride: 1, padding: 1, bias: bias));
        layers.Add(Layers.Norm(Options.Normalization, ndf * multiplier));
        layers.Add(new LeakyRelu(0.2, inplace: true));
        layers.Add(nn.Conv2d(ndf * multiplier, 1, kernel_size: 4, stride: 1, padding: 1, bias: true));

        model = nn.Sequential(layers);
        RegisterComponents();
        Layers.InitializeWeights(this);
    }

    /// <summary>Gets the architecture this discriminator was built with.</summary>
    public PatchDiscriminatorOptions Options { get; }

    /// <summary>Gets the number of trainable parameters.</summary>
    public long ParameterCount => Layers.CountParameters(this);

    /// <summary>Gets the side of the smallest square input that still yields at least one patch logit.</summary>
    public int MinimumImageSize => 1 << (Options.Layers + 2);

    /// <summary>Scores a batch of condition+image pairs [N, InputChannels, H, W] and returns patch logits [N, 1, h, w].</summary>
    /// <param name="input">The condition and the image concatenated along channels.</param>
    /// <returns>Unnormalized real/fake scores, one per patch.</returns>
    /// <exception cref="ArgumentException">The shape does not fit the architecture.</exception>
    public override Tensor forward(Tensor input)
    {
        CheckInput(input);
        return ConvolutionOverrides.Run(model, input);
    }

    /// <summary>
    /// Returns what each hidden layer of <paramref name="input"/>'s forward pass sees, after its activation (four
    /// feature maps with the default three layers): pix2pixHD's feature-matching loss compares them for real and
    /// generated pairs. The caller's dispose scope owns them.
    /// </summary>
    /// <param name="input">The condition and the image concatenated along channels.</param>
    /// <returns>The hidden activations, input side first.</returns>
    /// <exception cref="ArgumentException">The shape does not fit the architecture.</exception>
    internal IReadOnlyList<Tensor> Features(Tensor input)
    {
        CheckInput(input);
        var layers = model.children().Cast<nn.Module<Tensor, Tensor>>().ToArray();
        var features = new List<Tensor>();
        Tensor x = input;
        for (int i = 0; i < layers.Length - 1; i++)
        {
            x = ConvolutionOverrides.Call(layers[i], x);
            if (layers[i] is LeakyRelu)
            {
                features.Add(x);
            }
        }

        return features;
    }

    private void CheckInput(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.dim() != 4 || input.shape[1] != Options.InputChannels)
        {
            throw new ArgumentException($"The discriminator expects a batch [N, {Options.InputChannels}, H, W]; got [{string.Join(", ", input.shape)}].", nameof(input));
        }

        if (input.shape[2] < MinimumImageSize || input.shape[3] < MinimumImageSize)
        {
            throw new ArgumentException($"The discriminator with {Options.Layers} layers needs images of at least {MinimumImageSize}x{MinimumImageSize}; got {input.shape[2]}x{input.shape[3]}.", nameof(input));
        }
    }

    /// <summary>Gets the layers in order.</summary>
    internal IEnumerable<nn.Module> Children => model.children();

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            model.Dispose();
        }

        base.Dispose(disposing);
    }
}
