using System;
using System.Collections.Generic;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CoupleGen.Models.CoupleGenerator;

/// <summary>
/// The original CoupleGenerator's 70x70 discriminator (<c>models/wgan.py</c>): four bias-free 4x4
/// convolutions with zero padding 1 (stride 2, 2, 2, 1) and batch-statistics norms after the 2nd-4th,
/// LeakyReLU 0.2, then a 4x4 stride-1 convolution to one channel and a sigmoid. 62x62 scores at
/// 512x512; 2,768,640 parameters with defaults.
/// </summary>
public sealed class CoupleGeneratorDiscriminator : nn.Module<Tensor, Tensor>
{
    private readonly Sequential model;

    /// <summary>Initializes a new instance of the <see cref="CoupleGeneratorDiscriminator"/> class on the CPU.</summary>
    /// <param name="filters">Filters in the first layer (<c>ndf</c>). Default: 64.</param>
    /// <param name="inputChannels">Condition + image channels. Default: 6.</param>
    /// <param name="leakySlope">The LeakyReLU slope. Default: 0.2.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public CoupleGeneratorDiscriminator(int filters = 64, int inputChannels = 6, double leakySlope = 0.2)
        : base(Native.CoupleGenRuntime.InitializedName(nameof(CoupleGeneratorDiscriminator)))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(filters, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputChannels, 1);
        long ndf = filters;
        var layers = new List<nn.Module<Tensor, Tensor>>
        {
            nn.Conv2d(inputChannels, ndf, kernel_size: 4, stride: 2, padding: 1, bias: false),
            new LeakyRelu(leakySlope, inplace: false),
            nn.Conv2d(ndf, ndf * 2, kernel_size: 4, stride: 2, padding: 1, bias: false),
            CoupleGeneratorUnet.BatchStatisticsNorm(ndf * 2),
            new LeakyRelu(leakySlope, inplace: false),
            nn.Conv2d(ndf * 2, ndf * 4, kernel_size: 4, stride: 2, padding: 1, bias: false),
            CoupleGeneratorUnet.BatchStatisticsNorm(ndf * 4),
            new LeakyRelu(leakySlope, inplace: false),
            nn.Conv2d(ndf * 4, ndf * 8, kernel_size: 4, stride: 1, padding: 1, bias: false),
            CoupleGeneratorUnet.BatchStatisticsNorm(ndf * 8),
            new LeakyRelu(leakySlope, inplace: false),
            nn.Conv2d(ndf * 8, 1, kernel_size: 4, stride: 1, padding: 1, bias: false),
            nn.Sigmoid(),
        };
        model = nn.Sequential(layers);
        InputChannels = inputChannels;
        RegisterComponents();
        Layers.InitializeWeights(this);
    }

    /// <summary>Gets the expected input channel count.</summary>
    public int InputChannels { get; }

    /// <summary>Gets the number of trainable parameters.</summary>
    public long ParameterCount => Layers.CountParameters(this);

    /// <summary>Scores condition+image pairs [N, InputChannels, H, W]; returns probabilities [N, 1, H/8 - 2, W/8 - 2].</summary>
    /// <param name="input">The condition and the image concatenated along channels.</param>
    /// <returns>Per-patch scores in (0, 1).</returns>
    /// <exception cref="ArgumentException">The shape does not fit.</exception>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.dim() != 4 || input.shape[1] != InputChannels || input.shape[2] < 32 || input.shape[3] < 32)
        {
            throw new ArgumentException($"The discriminator expects [N, {InputChannels}, H, W] with H, W >= 32; got [{string.Join(", ", input.shape)}].", nameof(input));
        }

        return ConvolutionOverrides.Run(model, input);
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
