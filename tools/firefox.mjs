// How the tests start Firefox: Debian's firefox-esr under puppeteer-core over WebDriver BiDi,
// headless, in a fresh profile kept off the network: every request that is not to 127.0.0.1
// goes to a dead proxy, and the background services (updates, telemetry, safe browsing, remote
// settings, captive portal...) are switched off.
import puppeteer from 'puppeteer-core';

export const FIREFOX = process.env.FIREFOX ?? '/usr/bin/firefox-esr';

const DEAD = 'http://127.0.0.1:9/';
export const FIREFOX_PREFS = {
  'network.proxy.type': 1,
  'network.proxy.http': '127.0.0.1',
  'network.proxy.http_port': 9,
  'network.proxy.ssl': '127.0.0.1',
  'network.proxy.ssl_port': 9,
  'network.proxy.no_proxies_on': '127.0.0.1',
  'network.proxy.allow_hijacking_localhost': false,
  'network.dns.disablePrefetch': true,
  'network.prefetch-next': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'app.update.enabled': false,
  'app.update.auto': false,
  'app.normandy.enabled': false,
  'toolkit.telemetry.enabled': false,
  'toolkit.telemetry.server': DEAD,
  'datareporting.healthreport.uploadEnabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'browser.safebrowsing.downloads.enabled': false,
  'browser.safebrowsing.blockedURIs.enabled': false,
  'services.settings.server': DEAD,
  'extensions.update.enabled': false,
  'extensions.getAddons.cache.enabled': false,
  'media.gmp-manager.url': DEAD,
  'browser.region.network.url': '',
  'geo.provider.network.url': '',
  'browser.newtabpage.enabled': false,
  'browser.startup.page': 0,
  'media.autoplay.default': 0,
};

/** A headless Firefox in a fresh profile (puppeteer removes it on close). */
export function launchFirefox() {
  return puppeteer.launch({
    browser: 'firefox',
    protocol: 'webDriverBiDi',
    executablePath: FIREFOX,
    headless: true,
    extraPrefsFirefox: FIREFOX_PREFS,
  });
}
