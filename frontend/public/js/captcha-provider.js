// Glue between a third-party captcha widget (Cloudflare Turnstile, hCaptcha) and the portal's
// forms. The widget calls these by the names in its data-callback attributes, so they are
// global; the portal's page calls portalCaptchaReset after a form was sent (its token is spent).
window.portalCaptchaSolved = (token) => {
  for (const field of document.querySelectorAll('input[name="captcha"]')) field.value = token;
};
window.portalCaptchaExpired = () => window.portalCaptchaSolved('');
window.portalCaptchaReset = () => {
  window.portalCaptchaExpired();
  window.turnstile?.reset();
  window.hcaptcha?.reset();
};
