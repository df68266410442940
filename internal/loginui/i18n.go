package loginui

import "strings"

// Languages are the languages the pages speak, by lang code.
var Languages = []string{"en", "fr", "de", "es", "pt", "ja"}

// Lang returns the supported language closest to tag ("fr-CA" -> "fr"),
// English when none is.
func Lang(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	if i := strings.IndexAny(tag, "-_"); i > 0 {
		tag = tag[:i]
	}
	if _, ok := messages[tag]; ok {
		return tag
	}
	return "en"
}

// T returns the message key in lang; the English text when lang lacks it,
// the key itself when English does too.
func T(lang, key string) string {
	if s, ok := messages[lang][key]; ok {
		return s
	}
	if s, ok := messages["en"][key]; ok {
		return s
	}
	return key
}

var messages = map[string]map[string]string{
	"en": {
		"signin.title": "Sign in", "username": "Username", "password": "Password", "signin": "Sign in",
		"signin.with": "Sign in with %s", "signin.or": "or",
		"signup.link": "Create an account", "forgot.link": "Forgot your password?", "back": "Back to sign in",
		"signup.title": "Create an account", "email": "Email", "signup": "Sign up",
		"confirm.title": "Confirm your account", "confirm.hint": "Enter the code we sent you.", "code": "Code", "confirm": "Confirm",
		"forgot.title": "Reset your password", "send": "Send code",
		"reset.title": "Choose a new password", "newpassword": "New password", "reset": "Reset password",
		"newpassword.title": "Choose a new password", "newpassword.hint": "Your temporary password must be replaced.",
		"mfa.title": "Verification code", "mfa.totp": "Enter the code from your authenticator app.",
		"mfa.sms": "Enter the code we sent by text message.", "mfa.email": "Enter the code we sent by email.", "verify": "Verify",
		"select.title": "Choose how to verify", "continue": "Continue",
		"factor.SOFTWARE_TOKEN_MFA": "Authenticator app", "factor.SMS_MFA": "Text message", "factor.EMAIL_OTP": "Email",
		"totp.title": "Set up an authenticator app", "totp.hint": "Scan the QR code with your authenticator app, or enter the key, then enter the code it shows.",
		"totp.key": "Key", "totp.qr": "QR code for your authenticator app",
		"error.title": "Something went wrong", "signedout": "You are signed out.",
		"err.credentials": "Incorrect username or password.", "err.locked": "Too many failed attempts. Try again later.",
		"err.code": "Invalid code. Try again.", "err.expiredcode": "This code has expired. Request a new one.",
		"err.session": "This page has expired. Sign in again.", "err.csrf": "Your form has expired. Try again.",
		"err.client": "This application cannot sign in here.", "err.redirect": "This redirect address is not registered for the application.",
		"err.password": "The password does not meet the requirements.", "err.exists": "An account with this username already exists.",
		"err.notconfirmed": "Your account is not confirmed yet.", "err.limit": "Too many attempts. Try again later.",
		"err.disabled": "This account is disabled.", "err.generic": "Something went wrong. Try again.",
		"err.request": "The sign-in request is invalid.", "err.required": "Fill in every field.",
		"err.logout": "This sign-out address is not registered for the application.", "err.reset": "You must reset your password.",
	},
	"fr": {
		"signin.title": "Connexion", "username": "Nom d'utilisateur", "password": "Mot de passe", "signin": "Se connecter",
		"signin.with": "Se connecter avec %s", "signin.or": "ou",
		"signup.link": "Créer un compte", "forgot.link": "Mot de passe oublié ?", "back": "Retour à la connexion",
		"signup.title": "Créer un compte", "email": "E-mail", "signup": "S'inscrire",
		"confirm.title": "Confirmez votre compte", "confirm.hint": "Saisissez le code que nous vous avons envoyé.", "code": "Code", "confirm": "Confirmer",
		"forgot.title": "Réinitialiser le mot de passe", "send": "Envoyer le code",
		"reset.title": "Choisissez un nouveau mot de passe", "newpassword": "Nouveau mot de passe", "reset": "Réinitialiser",
		"newpassword.title": "Choisissez un nouveau mot de passe", "newpassword.hint": "Votre mot de passe temporaire doit être remplacé.",
		"mfa.title": "Code de vérification", "mfa.totp": "Saisissez le code de votre application d'authentification.",
		"mfa.sms": "Saisissez le code reçu par SMS.", "mfa.email": "Saisissez le code reçu par e-mail.", "verify": "Vérifier",
		"select.title": "Choisissez la méthode de vérification", "continue": "Continuer",
		"factor.SOFTWARE_TOKEN_MFA": "Application d'authentification", "factor.SMS_MFA": "SMS", "factor.EMAIL_OTP": "E-mail",
		"totp.title": "Configurer une application d'authentification", "totp.hint": "Scannez le code QR avec votre application, ou saisissez la clé, puis le code affiché.",
		"totp.key": "Clé", "totp.qr": "Code QR pour votre application d'authentification",
		"error.title": "Une erreur s'est produite", "signedout": "Vous êtes déconnecté.",
		"err.credentials": "Nom d'utilisateur ou mot de passe incorrect.", "err.locked": "Trop de tentatives. Réessayez plus tard.",
		"err.code": "Code invalide. Réessayez.", "err.expiredcode": "Ce code a expiré. Demandez-en un nouveau.",
		"err.session": "Cette page a expiré. Reconnectez-vous.", "err.csrf": "Votre formulaire a expiré. Réessayez.",
		"err.client": "Cette application ne peut pas se connecter ici.", "err.redirect": "Cette adresse de redirection n'est pas enregistrée pour l'application.",
		"err.password": "Le mot de passe ne respecte pas les exigences.", "err.exists": "Un compte avec ce nom d'utilisateur existe déjà.",
		"err.notconfirmed": "Votre compte n'est pas encore confirmé.", "err.limit": "Trop de tentatives. Réessayez plus tard.",
		"err.disabled": "Ce compte est désactivé.", "err.generic": "Une erreur s'est produite. Réessayez.",
		"err.request": "La demande de connexion est invalide.", "err.required": "Remplissez tous les champs.",
		"err.logout": "Cette adresse de déconnexion n'est pas enregistrée pour l'application.", "err.reset": "Vous devez réinitialiser votre mot de passe.",
	},
	"de": {
		"signin.title": "Anmelden", "username": "Benutzername", "password": "Passwort", "signin": "Anmelden",
		"signin.with": "Anmelden mit %s", "signin.or": "oder",
		"signup.link": "Konto erstellen", "forgot.link": "Passwort vergessen?", "back": "Zurück zur Anmeldung",
		"signup.title": "Konto erstellen", "email": "E-Mail", "signup": "Registrieren",
		"confirm.title": "Konto bestätigen", "confirm.hint": "Geben Sie den Code ein, den wir Ihnen gesendet haben.", "code": "Code", "confirm": "Bestätigen",
		"forgot.title": "Passwort zurücksetzen", "send": "Code senden",
		"reset.title": "Neues Passwort wählen", "newpassword": "Neues Passwort", "reset": "Passwort zurücksetzen",
		"newpassword.title": "Neues Passwort wählen", "newpassword.hint": "Ihr vorläufiges Passwort muss ersetzt werden.",
		"mfa.title": "Bestätigungscode", "mfa.totp": "Geben Sie den Code aus Ihrer Authenticator-App ein.",
		"mfa.sms": "Geben Sie den Code aus der SMS ein.", "mfa.email": "Geben Sie den Code aus der E-Mail ein.", "verify": "Prüfen",
		"select.title": "Bestätigungsart wählen", "continue": "Weiter",
		"factor.SOFTWARE_TOKEN_MFA": "Authenticator-App", "factor.SMS_MFA": "SMS", "factor.EMAIL_OTP": "E-Mail",
		"totp.title": "Authenticator-App einrichten", "totp.hint": "Scannen Sie den QR-Code mit Ihrer App oder geben Sie den Schlüssel ein, dann den angezeigten Code.",
		"totp.key": "Schlüssel", "totp.qr": "QR-Code für Ihre Authenticator-App",
		"error.title": "Etwas ist schiefgelaufen", "signedout": "Sie sind abgemeldet.",
		"err.credentials": "Benutzername oder Passwort ist falsch.", "err.locked": "Zu viele Fehlversuche. Versuchen Sie es später erneut.",
		"err.code": "Ungültiger Code. Versuchen Sie es erneut.", "err.expiredcode": "Dieser Code ist abgelaufen. Fordern Sie einen neuen an.",
		"err.session": "Diese Seite ist abgelaufen. Melden Sie sich erneut an.", "err.csrf": "Ihr Formular ist abgelaufen. Versuchen Sie es erneut.",
		"err.client": "Diese Anwendung kann sich hier nicht anmelden.", "err.redirect": "Diese Weiterleitungsadresse ist für die Anwendung nicht registriert.",
		"err.password": "Das Passwort erfüllt die Anforderungen nicht.", "err.exists": "Ein Konto mit diesem Benutzernamen existiert bereits.",
		"err.notconfirmed": "Ihr Konto ist noch nicht bestätigt.", "err.limit": "Zu viele Versuche. Versuchen Sie es später erneut.",
		"err.disabled": "Dieses Konto ist deaktiviert.", "err.generic": "Etwas ist schiefgelaufen. Versuchen Sie es erneut.",
		"err.request": "Die Anmeldeanfrage ist ungültig.", "err.required": "Füllen Sie alle Felder aus.",
		"err.logout": "Diese Abmeldeadresse ist für die Anwendung nicht registriert.", "err.reset": "Sie müssen Ihr Passwort zurücksetzen.",
	},
	"es": {
		"signin.title": "Iniciar sesión", "username": "Nombre de usuario", "password": "Contraseña", "signin": "Iniciar sesión",
		"signin.with": "Iniciar sesión con %s", "signin.or": "o",
		"signup.link": "Crear una cuenta", "forgot.link": "¿Olvidó su contraseña?", "back": "Volver a iniciar sesión",
		"signup.title": "Crear una cuenta", "email": "Correo electrónico", "signup": "Registrarse",
		"confirm.title": "Confirme su cuenta", "confirm.hint": "Introduzca el código que le enviamos.", "code": "Código", "confirm": "Confirmar",
		"forgot.title": "Restablecer la contraseña", "send": "Enviar código",
		"reset.title": "Elija una contraseña nueva", "newpassword": "Contraseña nueva", "reset": "Restablecer",
		"newpassword.title": "Elija una contraseña nueva", "newpassword.hint": "Debe sustituir su contraseña temporal.",
		"mfa.title": "Código de verificación", "mfa.totp": "Introduzca el código de su aplicación de autenticación.",
		"mfa.sms": "Introduzca el código que le enviamos por SMS.", "mfa.email": "Introduzca el código que le enviamos por correo.", "verify": "Verificar",
		"select.title": "Elija cómo verificar", "continue": "Continuar",
		"factor.SOFTWARE_TOKEN_MFA": "Aplicación de autenticación", "factor.SMS_MFA": "SMS", "factor.EMAIL_OTP": "Correo electrónico",
		"totp.title": "Configurar una aplicación de autenticación", "totp.hint": "Escanee el código QR con su aplicación o introduzca la clave, y luego el código que muestra.",
		"totp.key": "Clave", "totp.qr": "Código QR para su aplicación de autenticación",
		"error.title": "Algo salió mal", "signedout": "Ha cerrado la sesión.",
		"err.credentials": "Nombre de usuario o contraseña incorrectos.", "err.locked": "Demasiados intentos fallidos. Inténtelo más tarde.",
		"err.code": "Código no válido. Inténtelo de nuevo.", "err.expiredcode": "Este código ha caducado. Solicite uno nuevo.",
		"err.session": "Esta página ha caducado. Inicie sesión de nuevo.", "err.csrf": "El formulario ha caducado. Inténtelo de nuevo.",
		"err.client": "Esta aplicación no puede iniciar sesión aquí.", "err.redirect": "Esta dirección de redirección no está registrada para la aplicación.",
		"err.password": "La contraseña no cumple los requisitos.", "err.exists": "Ya existe una cuenta con este nombre de usuario.",
		"err.notconfirmed": "Su cuenta aún no está confirmada.", "err.limit": "Demasiados intentos. Inténtelo más tarde.",
		"err.disabled": "Esta cuenta está desactivada.", "err.generic": "Algo salió mal. Inténtelo de nuevo.",
		"err.request": "La solicitud de inicio de sesión no es válida.", "err.required": "Rellene todos los campos.",
		"err.logout": "Esta dirección de cierre de sesión no está registrada para la aplicación.", "err.reset": "Debe restablecer su contraseña.",
	},
	"pt": {
		"signin.title": "Entrar", "username": "Nome de usuário", "password": "Senha", "signin": "Entrar",
		"signin.with": "Entrar com %s", "signin.or": "ou",
		"signup.link": "Criar uma conta", "forgot.link": "Esqueceu a senha?", "back": "Voltar para entrar",
		"signup.title": "Criar uma conta", "email": "E-mail", "signup": "Cadastrar",
		"confirm.title": "Confirme sua conta", "confirm.hint": "Digite o código que enviamos para você.", "code": "Código", "confirm": "Confirmar",
		"forgot.title": "Redefinir a senha", "send": "Enviar código",
		"reset.title": "Escolha uma nova senha", "newpassword": "Nova senha", "reset": "Redefinir senha",
		"newpassword.title": "Escolha uma nova senha", "newpassword.hint": "Sua senha temporária precisa ser substituída.",
		"mfa.title": "Código de verificação", "mfa.totp": "Digite o código do seu aplicativo autenticador.",
		"mfa.sms": "Digite o código que enviamos por SMS.", "mfa.email": "Digite o código que enviamos por e-mail.", "verify": "Verificar",
		"select.title": "Escolha como verificar", "continue": "Continuar",
		"factor.SOFTWARE_TOKEN_MFA": "Aplicativo autenticador", "factor.SMS_MFA": "SMS", "factor.EMAIL_OTP": "E-mail",
		"totp.title": "Configurar um aplicativo autenticador", "totp.hint": "Leia o código QR com seu aplicativo ou digite a chave e depois o código exibido.",
		"totp.key": "Chave", "totp.qr": "Código QR para seu aplicativo autenticador",
		"error.title": "Algo deu errado", "signedout": "Você saiu da sua conta.",
		"err.credentials": "Nome de usuário ou senha incorretos.", "err.locked": "Muitas tentativas com falha. Tente mais tarde.",
		"err.code": "Código inválido. Tente novamente.", "err.expiredcode": "Este código expirou. Peça um novo.",
		"err.session": "Esta página expirou. Entre novamente.", "err.csrf": "Seu formulário expirou. Tente novamente.",
		"err.client": "Este aplicativo não pode entrar aqui.", "err.redirect": "Este endereço de redirecionamento não está registrado para o aplicativo.",
		"err.password": "A senha não atende aos requisitos.", "err.exists": "Já existe uma conta com este nome de usuário.",
		"err.notconfirmed": "Sua conta ainda não foi confirmada.", "err.limit": "Muitas tentativas. Tente mais tarde.",
		"err.disabled": "Esta conta está desativada.", "err.generic": "Algo deu errado. Tente novamente.",
		"err.request": "A solicitação de entrada é inválida.", "err.required": "Preencha todos os campos.",
		"err.logout": "Este endereço de saída não está registrado para o aplicativo.", "err.reset": "Você precisa redefinir sua senha.",
	},
	"ja": {
		"signin.title": "サインイン", "username": "ユーザー名", "password": "パスワード", "signin": "サインイン",
		"signin.with": "%s でサインイン", "signin.or": "または",
		"signup.link": "アカウントを作成", "forgot.link": "パスワードをお忘れですか?", "back": "サインインに戻る",
		"signup.title": "アカウントを作成", "email": "メールアドレス", "signup": "登録",
		"confirm.title": "アカウントの確認", "confirm.hint": "送信されたコードを入力してください。", "code": "コード", "confirm": "確認",
		"forgot.title": "パスワードのリセット", "send": "コードを送信",
		"reset.title": "新しいパスワードを設定", "newpassword": "新しいパスワード", "reset": "パスワードをリセット",
		"newpassword.title": "新しいパスワードを設定", "newpassword.hint": "仮パスワードを変更する必要があります。",
		"mfa.title": "確認コード", "mfa.totp": "認証アプリに表示されたコードを入力してください。",
		"mfa.sms": "SMS で送信されたコードを入力してください。", "mfa.email": "メールで送信されたコードを入力してください。", "verify": "確認",
		"select.title": "確認方法を選択", "continue": "続行",
		"factor.SOFTWARE_TOKEN_MFA": "認証アプリ", "factor.SMS_MFA": "SMS", "factor.EMAIL_OTP": "メール",
		"totp.title": "認証アプリの設定", "totp.hint": "認証アプリで QR コードを読み取るかキーを入力し、表示されたコードを入力してください。",
		"totp.key": "キー", "totp.qr": "認証アプリ用の QR コード",
		"error.title": "問題が発生しました", "signedout": "サインアウトしました。",
		"err.credentials": "ユーザー名またはパスワードが正しくありません。", "err.locked": "失敗した試行が多すぎます。しばらくしてから再試行してください。",
		"err.code": "コードが無効です。もう一度お試しください。", "err.expiredcode": "コードの有効期限が切れました。新しいコードを請求してください。",
		"err.session": "このページの有効期限が切れました。もう一度サインインしてください。", "err.csrf": "フォームの有効期限が切れました。もう一度お試しください。",
		"err.client": "このアプリケーションはここでサインインできません。", "err.redirect": "このリダイレクト先はアプリケーションに登録されていません。",
		"err.password": "パスワードが要件を満たしていません。", "err.exists": "このユーザー名のアカウントは既に存在します。",
		"err.notconfirmed": "アカウントはまだ確認されていません。", "err.limit": "試行回数が多すぎます。しばらくしてから再試行してください。",
		"err.disabled": "このアカウントは無効です。", "err.generic": "問題が発生しました。もう一度お試しください。",
		"err.request": "サインイン要求が無効です。", "err.required": "すべての項目を入力してください。",
		"err.logout": "このサインアウト先はアプリケーションに登録されていません。", "err.reset": "パスワードをリセットする必要があります。",
	},
}
