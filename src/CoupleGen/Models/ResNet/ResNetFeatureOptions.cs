using System;
using System.Collections.Generic;
using System.Linq;

namespace CoupleGen.Models.ResNet;

/// <summary>Which ResNet (basic-block family: ResNet18, ResNet34) feature maps to return and how images are brought into the weights' input convention.</summary>
public sealed record ResNetFeatureOptions
{
    /// <summary>
    /// Gets the feature maps to return, by torchvision's module names: <c>relu</c> (the stem, after
    /// conv1, bn1 and ReLU, at 1/2 resolution), <c>layer1</c> ... <c>layer4</c> (1/4 ... 1/32) and <c>pool</c>
    /// (the global average, [N, 512, 1, 1], the featurizer's output). Default: layer1, layer2, layer3.
    /// </summary>
    public IReadOnlyList<string> Taps { get; init; } = new[] { "layer1", "layer2", "layer3" };

    /// <summary>
    /// Gets the number of basic blocks in layer1 ... layer4, or <see langword="null"/> to take it from the
    /// weights in <see cref="ResNetFeatures.FromWeights"/> (and 2, 2, 2, 2, torchvision's ResNet18, for a
    /// network built without weights). The CNTK featurizer of <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c>
    /// has 2, 2, 2, 3; torchvision's ResNet34 has 3, 4, 6, 3. Default: <see langword="null"/>.
    /// </summary>
    public IReadOnlyList<int>? BlocksPerStage { get; init; }

    /// <summary>Gets the convention the weights expect. Default: <see cref="ResNetInputConvention.Torchvision"/>.</summary>
    public ResNetInputConvention Convention { get; init; } = ResNetInputConvention.Torchvision;

    /// <summary>Gets a value indicating whether input images are in the generator's [-1, 1] range (the default) or already in [0, 1]. Default: <see langword="true"/>.</summary>
    public bool InputInMinusOneToOne { get; init; } = true;

    /// <summary>Checks every value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The convention is unknown.</exception>
    /// <exception cref="ArgumentException">No tap is given, a tap names no layer, or the block counts are invalid.</exception>
    public void Validate()
    {
        if (Taps is null || Taps.Count == 0)
        {
            throw new ArgumentException("At least one feature tap is needed.", nameof(Taps));
        }

        foreach (string tap in Taps)
        {
            if (ResNetFeatures.StageOf(tap) < 0)
            {
                throw new ArgumentException($"'{tap}' names no ResNet18 stage; use relu, layer1, layer2, layer3, layer4 or pool.", nameof(Taps));
            }
        }

        if (BlocksPerStage is not null && (BlocksPerStage.Count != 4 || BlocksPerStage.Any(b => b is < 1 or > 64)))
        {
            throw new ArgumentException("BlocksPerStage needs four counts (layer1 ... layer4), each from 1 to 64.", nameof(BlocksPerStage));
        }

        if (!Enum.IsDefined(Convention))
        {
            throw new ArgumentOutOfRangeException(nameof(Convention), Convention, "Unknown input convention.");
        }
    }
}
