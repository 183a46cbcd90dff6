namespace CoupleGen.Models.ResNet;

/// <summary>How a ResNet's weights expect their input, which depends on where the weights come from.</summary>
public enum ResNetInputConvention
{
    /// <summary>torchvision and most PyTorch/ONNX exports: RGB in [0, 1], then (x - mean) / std with ImageNet's mean [0.485, 0.456, 0.406] and std [0.229, 0.224, 0.225].</summary>
    Torchvision,

    /// <summary>
    /// The CNTK ResNet18 of NuGet <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c>: BGR in [0, 255] minus a
    /// mean image. Its companion <c>ResNetPreprocess.onnx</c> subtracts a 224x224 per-pixel mean; CoupleGen
    /// subtracts that image's per-channel means (B 103.063, G 115.903, R 123.152; the pixels vary around
    /// them with a standard deviation of 3 to 6), so any image size works.
    /// </summary>
    CntkFeaturizer,
}
