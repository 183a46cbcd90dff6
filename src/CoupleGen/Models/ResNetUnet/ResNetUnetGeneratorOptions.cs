using System;
using System.Collections.Generic;
using System.Linq;
using CoupleGen.Models.ResNet;
using CoupleGen.Weights;

namespace CoupleGen.Models.ResNetUnet;

/// <summary>The shape of a <see cref="ResNetUnetGenerator"/>. Defaults give torchvision's ResNet18 encoder, RGB in and out.</summary>
public sealed record ResNetUnetGeneratorOptions
{
    /// <summary>Gets the input channel count: RGB, then condition channels (4 for the partner recipe's sex plane). Default: 3.</summary>
    public int InputChannels { get; init; } = 3;

    /// <summary>Gets the output channel count. Default: 3 (RGB).</summary>
    public int OutputChannels { get; init; } = 3;

    /// <summary>
    /// Gets the number of basic blocks in the encoder's layer1 ... layer4. Default: 2, 2, 2, 2 (torchvision's
    /// ResNet18); the CNTK ResNet18 of <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c> has 2, 2, 2, 3.
    /// </summary>
    public IReadOnlyList<int> BlocksPerStage { get; init; } = ResNetFeatures.ResNet18Blocks;

    /// <summary>Gets the input convention of the encoder's weights. Default: <see cref="ResNetInputConvention.Torchvision"/>.</summary>
    public ResNetInputConvention Convention { get; init; } = ResNetInputConvention.Torchvision;

    /// <summary>
    /// Gets how many decoder levels, coarsest first, concatenate the encoder's map of their size: layer3 (1/16), layer2
    /// (1/8), layer1 (1/4), the stem (1/2) and the input itself. 5 (all, fastai's <c>DynamicUnet</c>) lets the decoder
    /// copy the input's fine structure; fewer make it draw the partner from coarser features. Default: 5.
    /// </summary>
    public int Skips { get; init; } = 5;

    /// <summary>Gets the decoder's normalization layer. Default: <see cref="NormalizationKind.Batch"/>.</summary>
    public NormalizationKind Normalization { get; init; } = NormalizationKind.Batch;

    /// <summary>Gets the smallest image side the generator accepts: 32, the encoder's total stride.</summary>
    public const int MinimumImageSize = 32;

    /// <summary>Returns options whose encoder fits <paramref name="encoderWeights"/> (blocks per stage and input convention), keeping the other values.</summary>
    /// <param name="encoderWeights">ImageNet ResNet weights, as for <see cref="ResNetFeatures.FromWeights"/>.</param>
    /// <returns>New options.</returns>
    public ResNetUnetGeneratorOptions FitTo(WeightDictionary encoderWeights)
    {
        ArgumentNullException.ThrowIfNull(encoderWeights);
        return this with
        {
            BlocksPerStage = (IReadOnlyList<int>?)ResNetWeightMap.InferBlocks(encoderWeights) ?? ResNetFeatures.ResNet18Blocks,
            Convention = ResNetFeatures.ConventionOf(encoderWeights),
        };
    }

    /// <summary>Checks every value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the message names it.</exception>
    public void Validate()
    {
        if (InputChannels is < 3 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(InputChannels), InputChannels, "InputChannels must be between 3 (RGB) and 64.");
        }

        if (OutputChannels is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(OutputChannels), OutputChannels, "OutputChannels must be between 1 and 64.");
        }

        if (BlocksPerStage is null || BlocksPerStage.Count != 4 || BlocksPerStage.Any(b => b is < 1 or > 64))
        {
            throw new ArgumentOutOfRangeException(nameof(BlocksPerStage), BlocksPerStage is null ? "null" : string.Join(", ", BlocksPerStage), "BlocksPerStage needs four counts (layer1 ... layer4), each from 1 to 64.");
        }

        if (Skips is < 0 or > 5)
        {
            throw new ArgumentOutOfRangeException(nameof(Skips), Skips, "Skips must be between 0 (none) and 5 (every level).");
        }

        if (!Enum.IsDefined(Convention))
        {
            throw new ArgumentOutOfRangeException(nameof(Convention), Convention, "Unknown input convention.");
        }

        if (!Enum.IsDefined(Normalization))
        {
            throw new ArgumentOutOfRangeException(nameof(Normalization), Normalization, "Unknown normalization.");
        }
    }
}
