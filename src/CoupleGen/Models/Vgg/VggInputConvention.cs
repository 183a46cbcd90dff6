namespace CoupleGen.Models.Vgg;

/// <summary>How a VGG's weights expect their input, which depends on where the weights come from.</summary>
public enum VggInputConvention
{
    /// <summary>torchvision and most PyTorch/ONNX weights: RGB in [0, 1], then (x - mean) / std with ImageNet's mean [0.485, 0.456, 0.406] and std [0.229, 0.224, 0.225].</summary>
    Torchvision,

    /// <summary>tensorflow-vgg's <c>vgg16.npy</c> and Caffe weights: BGR in [0, 255] minus the mean [103.939, 116.779, 123.68] (B, G, R).</summary>
    Caffe,
}
