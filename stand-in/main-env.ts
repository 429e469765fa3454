/** The environment variable that names the directory holding the provider's cert.pem and key.pem (install.ts sets it in the wrapper). */
export const TLS_DIR_ENV = "UC_STAND_IN_TLS_DIR";
