using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using CoupleGen.Errors;
using CoupleGen.Weights;

namespace CoupleGen.Models.Interop;

/// <summary>
/// Exchanges weights with pytorch-CycleGAN-and-pix2pix: loads its <c>latest_net_G.pth</c> /
/// <c>latest_net_D.pth</c> (batch- or instance-norm, any depth and width, architecture inferred from
/// the keys and shapes) and exports CoupleGen generators as <c>.pth</c> files PyTorch loads with
/// <c>load_state_dict(strict=True)</c>.
/// </summary>
public static partial class Pix2PixWeights
{
    /// <summary>Infers the U-Net's shape from a pix2pix generator state dict.</summary>
    /// <param name="weights">The generator's tensors.</param>
    /// <returns>Options that build a generator with exactly these keys and shapes.</returns>
    /// <exception cref="InvalidWeightsException">The tensors are not a pix2pix U-Net generator.</exception>
    public static UnetGeneratorOptions InferGeneratorOptions(WeightDictionary weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (!weights.TryGetValue("model.model.0.weight", out var first) || first.dim() != 4)
        {
            throw new InvalidWeightsException(weights.Source, "it has no 'model.model.0.weight' convolution, so it is not a pix2pix U-Net generator (resnet generators are not supported).");
        }

        int levels = weights.Keys.Count(k => DownConvolution().IsMatch(k));
        // The outermost level's up layer: a transposed convolution [in, out, 4, 4] after the ReLU, a sub-pixel
        // 3x3 convolution [4 out, in, 3, 3] there, or, after an upsampling, a 3x3 convolution [out, in, 3, 3].
        bool afterRelu = weights.TryGetValue("model.model.3.weight", out var up);
        if (!afterRelu && !weights.TryGetValue("model.model.4.weight", out up))
        {
            up = null;
        }

        bool transposed = afterRelu && up!.dim() == 4 && up.shape[2] == 4;
        bool shuffled = afterRelu && !transposed;
        if (levels < 5 || up is null || up.dim() != 4)
        {
            throw new InvalidWeightsException(weights.Source, $"it has {levels} U-Net levels; a pix2pix U-Net has at least 5.");
        }

        return new UnetGeneratorOptions
        {
            Downsamplings = levels,
            Filters = (int)first.shape[0],
            InputChannels = (int)first.shape[1],
            OutputChannels = (int)(transposed ? up.shape[1] : shuffled ? up.shape[0] / 4 : up.shape[0]),
            Upsampling = transposed ? UnetUpsampling.TransposedConvolution : shuffled ? UnetUpsampling.PixelShuffle : UnetUpsampling.ResizeConvolution,
            Normalization = weights.Keys.Any(k => k.EndsWith(".running_mean", StringComparison.Ordinal)) ? NormalizationKind.Batch : NormalizationKind.Instance,
        };
    }

    /// <summary>Loads a pix2pix generator file (any format <see cref="WeightFile"/> reads) into a new <see cref="UnetGenerator"/>.</summary>
    /// <param name="path">E.g. <c>checkpoints/facades/latest_net_G.pth</c>.</param>
    /// <returns>The generator on the CPU, in training mode like a fresh module; call <c>eval()</c> for inference.</returns>
    /// <exception cref="InvalidWeightsException">The file cannot be read or is not a pix2pix U-Net generator.</exception>
    public static UnetGenerator LoadGenerator(string path)
    {
        using WeightDictionary weights = WeightFile.Load(path);
        var generator = new UnetGenerator(InferGeneratorOptions(weights));
        try
        {
            ModuleWeights.Load(generator, weights);
            return generator;
        }
        catch
        {
            generator.Dispose();
            throw;
        }
    }

    /// <summary>Loads a pix2pix PatchGAN discriminator file into a new <see cref="PatchDiscriminator"/>, inferring its depth, width and norm.</summary>
    /// <param name="path">E.g. <c>latest_net_D.pth</c>.</param>
    /// <returns>The discriminator on the CPU.</returns>
    /// <exception cref="InvalidWeightsException">The file cannot be read or is not an n-layer PatchGAN.</exception>
    public static PatchDiscriminator LoadDiscriminator(string path)
    {
        using WeightDictionary weights = WeightFile.Load(path);
        var convolutions = weights.Where(kv => kv.Key.StartsWith("model.", StringComparison.Ordinal) && kv.Key.EndsWith(".weight", StringComparison.Ordinal) && kv.Value.dim() == 4).ToList();
        if (convolutions.Count < 3 || !weights.TryGetValue("model.0.weight", out var first))
        {
            throw new InvalidWeightsException(path, "it has no 'model.0.weight' convolution, so it is not a pix2pix PatchGAN discriminator.");
        }

        var options = new PatchDiscriminatorOptions
        {
            Layers = convolutions.Count - 2,
            Filters = (int)first.shape[0],
            InputChannels = (int)first.shape[1],
            Normalization = weights.Keys.Any(k => k.EndsWith(".running_mean", StringComparison.Ordinal)) ? NormalizationKind.Batch : NormalizationKind.Instance,
        };
        var discriminator = new PatchDiscriminator(options);
        try
        {
            ModuleWeights.Load(discriminator, weights);
            return discriminator;
        }
        catch
        {
            discriminator.Dispose();
            throw;
        }
    }

    /// <summary>Exports a generator in PyTorch's zip format under pix2pix's key names, atomically.</summary>
    /// <param name="generator">The generator.</param>
    /// <param name="path">E.g. <c>latest_net_G.pth</c>.</param>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void ExportGenerator(UnetGenerator generator, string path)
    {
        ArgumentNullException.ThrowIfNull(generator);
        WeightFile.SavePyTorch(path, generator.state_dict());
    }

    // A down convolution of any level: model(.model.1|.model.3)*.model.(0|1).weight, where index 0 is the
    // outermost level's first layer and index 1 follows the LeakyReLU of inner levels.
    [GeneratedRegex(@"^model(\.model\.[13])*\.model\.[01]\.weight$")]
    private static partial Regex DownConvolution();
}
