using System;
using System.Collections.Generic;
using System.Linq;
using CoupleGen.Errors;
using CoupleGen.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace CoupleGen.Models.ResNet;

/// <summary>
/// How a weight file's tensors become <see cref="ResNetFeatures"/>' keys: by name for torchvision files, by order and
/// shape for the rest (ONNX exports such as the CNTK featurizer), and how many blocks each stage has.
/// </summary>
internal static class ResNetWeightMap
{
    /// <summary>
    /// The tensors of <paramref name="weights"/> under the module's keys (<paramref name="expected"/>): by name for
    /// torchvision keys, else by order and shape (see <see cref="ResNetFeatures.FromWeights"/>); batch-norm step
    /// counters the file lacks are zeros. Tensors made here are added to <paramref name="owned"/>, which the caller disposes.
    /// </summary>
    public static Dictionary<string, Tensor> Map(WeightDictionary weights, IReadOnlyDictionary<string, Tensor> expected, string deepestStage, List<Tensor> owned)
    {
        var mapped = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        if (weights.ContainsKey("layer1.0.conv1.weight"))
        {
            foreach (string key in expected.Keys)
            {
                if (weights.TryGetValue(key, out Tensor? value))
                {
                    mapped[key] = value;
                }
            }
        }
        else
        {
            MapByOrderAndShape(weights, expected, deepestStage, mapped, owned);
        }

        // Batch norm's step counters are bookkeeping that exports rarely carry.
        foreach (var (key, tensor) in expected)
        {
            if (key.EndsWith(".num_batches_tracked", StringComparison.Ordinal) && !mapped.ContainsKey(key))
            {
                owned.Add(torch.zeros_like(tensor));
                mapped[key] = owned[^1];
            }
        }

        return mapped;
    }

    /// <summary>Counts the blocks per stage in torchvision keys, or in the 3x3 kernels (two per block) grouped by output width in network order.</summary>
    public static int[]? InferBlocks(WeightDictionary weights)
    {
        if (weights.ContainsKey("layer1.0.conv1.weight"))
        {
            return Enumerable.Range(1, 4).Select(stage => Enumerable.Range(0, 65).TakeWhile(b => weights.ContainsKey($"layer{stage}.{b}.conv1.weight")).Count()).ToArray();
        }

        var widths = ConvolutionGroup.Find(weights).Where(g => !g.IsPointwise).Skip(1).Select(g => g.Kernel.shape[0]).ToList();
        var counts = new List<int>();
        for (int i = 0; i < widths.Count; i++)
        {
            if (i == 0 || widths[i] != widths[i - 1])
            {
                counts.Add(0);
            }

            counts[^1]++;
        }

        return counts.Count == 4 && counts.All(c => c % 2 == 0) ? counts.Select(c => c / 2).ToArray() : null;
    }

    private static void MapByOrderAndShape(WeightDictionary weights, IReadOnlyDictionary<string, Tensor> expected, string deepestStage, Dictionary<string, Tensor> mapped, List<Tensor> owned)
    {
        var main = new List<string> { "conv1" };
        var shortcuts = new List<string>();
        var bnOf = new Dictionary<string, string>(StringComparer.Ordinal) { ["conv1"] = "bn1" };
        for (int layer = 1; layer <= 4; layer++)
        {
            for (int block = 0; ; block++)
            {
                string prefix = $"layer{layer}.{block}.";
                if (!expected.ContainsKey(prefix + "conv1.weight"))
                {
                    break;
                }

                main.Add(prefix + "conv1");
                main.Add(prefix + "conv2");
                bnOf[prefix + "conv1"] = prefix + "bn1";
                bnOf[prefix + "conv2"] = prefix + "bn2";
                if (expected.ContainsKey(prefix + "downsample.0.weight"))
                {
                    shortcuts.Add(prefix + "downsample.0");
                    bnOf[prefix + "downsample.0"] = prefix + "downsample.1";
                }
            }
        }

        List<ConvolutionGroup> groups = ConvolutionGroup.Find(weights);
        var mainGroups = groups.Where(g => !g.IsPointwise).ToList();
        var shortcutGroups = groups.Where(g => g.IsPointwise).ToList();
        if (mainGroups.Count < main.Count || shortcutGroups.Count < shortcuts.Count)
        {
            throw new InvalidWeightsException(weights.Source, $"This ResNet up to {deepestStage} needs {main.Count} convolutions and {shortcuts.Count} 1x1 shortcut projections; the file has {mainGroups.Count} and {shortcutGroups.Count} (mapping by order and shape).");
        }

        foreach (var (name, group) in main.Zip(mainGroups).Concat(shortcuts.Zip(shortcutGroups)))
        {
            group.AddTo(mapped, owned, name, bnOf[name], weights);
        }
    }

    /// <summary>A 4-D kernel and the 1-D tensors that follow it in a weight file.</summary>
    private sealed class ConvolutionGroup
    {
        private const double BatchNormEpsilon = 1e-5;

        private ConvolutionGroup(Tensor kernel, string kernelName)
        {
            Kernel = kernel;
            KernelName = kernelName;
        }

        public Tensor Kernel { get; }

        public string KernelName { get; }

        public List<Tensor> Vectors { get; } = new();

        public bool IsPointwise => Kernel.shape[2] == 1 && Kernel.shape[3] == 1;

        public static List<ConvolutionGroup> Find(WeightDictionary weights)
        {
            var groups = new List<ConvolutionGroup>();
            ConvolutionGroup? current = null;
            foreach (string key in weights.Order)
            {
                Tensor tensor = weights[key];
                switch (tensor.dim())
                {
                    case 4:
                        current = new ConvolutionGroup(tensor, key);
                        groups.Add(current);
                        break;
                    case 1:
                        current?.Vectors.Add(tensor);
                        break;
                    case 0:
                        break; // num_batches_tracked counters.
                    default:
                        current = null; // A classifier matrix: what follows belongs to it.
                        break;
                }
            }

            return groups;
        }

        public void AddTo(Dictionary<string, Tensor> mapped, List<Tensor> owned, string convolution, string batchNorm, WeightDictionary weights)
        {
            long channels = Kernel.shape[0];
            if (Vectors.Any(v => v.shape[0] != channels))
            {
                throw new InvalidWeightsException(weights.Source, $"the vectors after kernel '{KernelName}' [{string.Join(", ", Kernel.shape)}] do not all have its {channels} output channels (mapping by order and shape to {convolution}).");
            }

            mapped[convolution + ".weight"] = Kernel;
            switch (Vectors.Count)
            {
                case 4:
                    Put(Vectors[0], Vectors[1], Vectors[2], Vectors[3]);
                    break;
                case 5:
                    // conv bias b before batch norm: gamma (x + b - mean) / sigma + beta, so mean' = mean - b.
                    owned.Add(Vectors[3].sub(Vectors[0]));
                    Put(Vectors[1], Vectors[2], owned[^1], Vectors[4]);
                    break;
                case 1:
                    // Batch norm fused into the convolution: an identity norm carrying the bias.
                    owned.Add(torch.ones(channels));
                    Tensor one = owned[^1];
                    owned.Add(torch.zeros(channels));
                    Tensor zero = owned[^1];
                    using (Scalar variance = (1 - BatchNormEpsilon).ToScalar())
                    {
                        owned.Add(torch.full(channels, variance));
                    }

                    Put(one, Vectors[0], zero, owned[^1]);
                    break;
                default:
                    throw new InvalidWeightsException(weights.Source, $"kernel '{KernelName}' is followed by {Vectors.Count} vectors; a ResNet convolution has 4 (batch norm), 5 (bias and batch norm) or 1 (batch norm fused into a bias).");
            }

            void Put(Tensor scale, Tensor bias, Tensor mean, Tensor variance)
            {
                mapped[batchNorm + ".weight"] = scale;
                mapped[batchNorm + ".bias"] = bias;
                mapped[batchNorm + ".running_mean"] = mean;
                mapped[batchNorm + ".running_var"] = variance;
            }
        }
    }
}
