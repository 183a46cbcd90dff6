using System.Linq;
using CoupleGen.Models;
using CoupleGen.Models.ResNet;
using CoupleGen.Models.Vgg;
using CoupleGen.Weights;

namespace CoupleGen.Demo;

/// <summary>Loads the feature network for --perceptual: ResNet when the file has a 7x7 RGB stem, VGG otherwise.</summary>
internal static class PerceptualNetwork
{
    public static FeatureExtractor Load(string path)
    {
        using WeightDictionary weights = WeightFile.Load(path);
        bool resNet = weights.Values.Any(t => t.dim() == 4 && t.shape[1] == 3 && t.shape[2] == 7 && t.shape[3] == 7);
        return resNet ? ResNetFeatures.FromWeights(weights) : VggFeatures.FromWeights(weights);
    }
}
