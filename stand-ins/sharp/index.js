// See README.md: the walkthrough serves its images as they are (Astro's passthrough image service),
// so nothing should load sharp. If something does, say why it is missing rather than fail obscurely.
throw new Error(
  'sharp is not installed in Flowlab (stand-ins/sharp stands in for it): the walkthrough uses passthroughImageService(). ' +
    'To optimise images, see stand-ins/sharp/README.md.',
);
