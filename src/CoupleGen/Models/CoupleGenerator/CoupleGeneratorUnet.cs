using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CoupleGen.Models.CoupleGenerator;

/// <summary>
/// The original CoupleGenerator's U-Net (TensorFlow, <c>generator_deconv</c>): convolutions without
/// biases (zero-pad 1, 4x4, stride 2), batch norm that always uses the batch's statistics (no
/// running averages, also at test time), skips concatenated as [decoder, encoder] from the encoder's
/// pre-activation output, LeakyReLU after each concatenation except a ReLU before the last layer,
/// dropout 0.5 on the three innermost decoder layers, and Tanh out. 54,414,976 parameters with
/// defaults.
/// </summary>
public sealed class CoupleGeneratorUnet : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<Conv2d> encoders;
    private readonly ModuleList<BatchNorm2d> encoder_norms;
    private readonly ModuleList<ConvTranspose2d> decoders;
    private readonly ModuleList<BatchNorm2d> decoder_norms;

    /// <summary>Initializes a new instance of the <see cref="CoupleGeneratorUnet"/> class on the CPU, initialised like the original (weights N(0, 0.02), norm scales N(1, 0.02), offsets 0).</summary>
    /// <param name="options">The shape; <see langword="null"/> for the original's.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public CoupleGeneratorUnet(CoupleGeneratorUnetOptions? options = null)
        : base(Native.CoupleGenRuntime.InitializedName(nameof(CoupleGeneratorUnet)))
    {
        Options = options ?? new CoupleGeneratorUnetOptions();
        Options.Validate();
        long ngf = Options.Filters;
        int n = Options.Downsamplings;
        var widths = new long[n];
        for (int i = 0; i < n; i++)
        {
            widths[i] = ngf * Math.Min(1L << i, 8);
        }

        var encoderList = new List<Conv2d>();
        var encoderNorms = new List<BatchNorm2d>();
        for (int i = 0; i < n; i++)
        {
            encoderList.Add(nn.Conv2d(i == 0 ? Options.InputChannels : widths[i - 1], widths[i], kernel_size: 4, stride: 2, padding: 1, bias: false));
            if (i > 0)
            {
                encoderNorms.Add(BatchStatisticsNorm(widths[i]));
            }
        }

        // Decoder j (0 = innermost) maps to the width of encoder n-2-j; its input is the innermost
        // activation (j = 0) or [decoder, encoder] concatenated, twice that width.
        var decoderList = new List<ConvTranspose2d>();
        var decoderNorms = new List<BatchNorm2d>();
        for (int j = 0; j < n; j++)
        {
            long input = j == 0 ? widths[n - 1] : widths[n - 1 - j] * 2;
            long output = j == n - 1 ? Options.OutputChannels : widths[n - 2 - j];
            decoderList.Add(nn.ConvTranspose2d(input, output, kernel_size: 4, stride: 2, padding: 1, bias: false));
            if (j < n - 1)
            {
                decoderNorms.Add(BatchStatisticsNorm(output));
            }
        }

        encoders = nn.ModuleList(encoderList.ToArray());
        encoder_norms = nn.ModuleList(encoderNorms.ToArray());
        decoders = nn.ModuleList(decoderList.ToArray());
        decoder_norms = nn.ModuleList(decoderNorms.ToArray());
        RegisterComponents();
        Layers.InitializeWeights(this);
    }

    /// <summary>Gets the shape this generator was built with.</summary>
    public CoupleGeneratorUnetOptions Options { get; }

    /// <summary>Gets the number of trainable parameters.</summary>
    public long ParameterCount => Layers.CountParameters(this);

    /// <summary>Gets the smallest image side the generator accepts: 2 to the power of the downsamplings.</summary>
    public int MinimumImageSize => 1 << Options.Downsamplings;

    /// <summary>Gets the down convolutions, outermost first.</summary>
    internal IReadOnlyList<Conv2d> Encoders => encoders.ToList();

    /// <summary>Gets the transposed convolutions, innermost first.</summary>
    internal IReadOnlyList<ConvTranspose2d> Decoders => decoders.ToList();

    /// <summary>Maps [N, InputChannels, H, W] in [-1, 1] to [N, OutputChannels, H, W] in [-1, 1].</summary>
    /// <param name="input">The batch; H and W multiples of <see cref="MinimumImageSize"/>, and large enough that the bottleneck's batch norm sees more than one value per channel.</param>
    /// <returns>The generated batch.</returns>
    /// <exception cref="ArgumentException">The shape does not fit.</exception>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        int n = Options.Downsamplings;
        if (input.dim() != 4 || input.shape[1] != Options.InputChannels || input.shape[2] % MinimumImageSize != 0 || input.shape[3] % MinimumImageSize != 0 || input.shape[2] == 0)
        {
            throw new ArgumentException($"The CoupleGenerator U-Net expects [N, {Options.InputChannels}, H, W] with H and W multiples of {MinimumImageSize}; got [{string.Join(", ", input.shape)}].", nameof(input));
        }

        if (input.shape[0] * (input.shape[2] / MinimumImageSize) * (input.shape[3] / MinimumImageSize) < 2)
        {
            throw new ArgumentException($"The bottleneck's batch norm needs more than one value per channel: use images of at least {MinimumImageSize * 2}x{MinimumImageSize} or a batch of 2.", nameof(input));
        }

        using var scope = NewDisposeScope();
        Scalar slopeScalar = Native.Scalars.Of(Options.LeakySlope);
        bool dropout = training || Options.DropoutAtInference;
        var skips = new Tensor[n];
        Tensor x = input;
        for (int i = 0; i < n; i++)
        {
            Tensor activated = i == 0 ? x : x.leaky_relu(slopeScalar);
            Tensor encoded = ConvolutionOverrides.Call(encoders[i], activated);
            x = i == 0 ? encoded : encoder_norms[i - 1].call(encoded);
            skips[i] = x;
        }

        x = x.leaky_relu(slopeScalar);
        for (int j = 0; j < n; j++)
        {
            Tensor decoded = ConvolutionOverrides.Call(decoders[j], x);
            if (j == n - 1)
            {
                return decoded.tanh().MoveToOuterDisposeScope();
            }

            decoded = decoder_norms[j].call(decoded);
            if (j < 3)
            {
                decoded = nn.functional.dropout(decoded, 0.5, training: dropout);
            }

            Tensor joined = torch.cat(new[] { decoded, skips[n - 2 - j] }, 1);
            x = j == n - 2 ? nn.functional.relu(joined) : joined.leaky_relu(slopeScalar);
        }

        throw new InvalidOperationException("unreachable");
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            encoders.Dispose();
            encoder_norms.Dispose();
            decoders.Dispose();
            decoder_norms.Dispose();
        }

        base.Dispose(disposing);
    }

    internal static BatchNorm2d BatchStatisticsNorm(long channels) =>
        nn.BatchNorm2d(channels, eps: 1e-5, affine: true, track_running_stats: false);
}
