package loginui

// The messages of choice-based sign-in and passkeys, merged into messages.
func init() {
	for lang, m := range choiceMessages {
		for k, v := range m {
			messages[lang][k] = v
		}
	}
}

var choiceMessages = map[string]map[string]string{
	"en": {
		"mfa.email.to": "Enter the code we sent to %s.", "mfa.sms.to": "Enter the code we sent by text message to %s.",
		"next": "Next", "choice.title": "Choose how to sign in", "choice.as": "Signing in as",
		"choice.PASSWORD": "Password", "choice.EMAIL_OTP": "Email me a code", "choice.SMS_OTP": "Text me a code", "choice.WEB_AUTHN": "Passkey",
		"password.title": "Enter your password",
		"passkey.title":  "Sign in with a passkey", "passkey.hint": "Use the passkey on this device or your security key.",
		"passkey.signin": "Use passkey", "passkey.nojs": "Passkeys need JavaScript. Go back and choose another way to sign in.",
		"passkey.add.title": "Add a passkey?", "passkey.add.hint": "Next time, sign in with your fingerprint, face or screen lock instead of a password.",
		"passkey.add": "Add a passkey", "passkey.skip": "Not now",
		"err.passkey": "The passkey could not be used. Try again or choose another way.",
	},
	"fr": {
		"mfa.email.to": "Saisissez le code envoyé à %s.", "mfa.sms.to": "Saisissez le code envoyé par SMS au %s.",
		"next": "Suivant", "choice.title": "Choisissez comment vous connecter", "choice.as": "Connexion en tant que",
		"choice.PASSWORD": "Mot de passe", "choice.EMAIL_OTP": "Recevoir un code par e-mail", "choice.SMS_OTP": "Recevoir un code par SMS", "choice.WEB_AUTHN": "Clé d'accès",
		"password.title": "Saisissez votre mot de passe",
		"passkey.title":  "Se connecter avec une clé d'accès", "passkey.hint": "Utilisez la clé d'accès de cet appareil ou votre clé de sécurité.",
		"passkey.signin": "Utiliser la clé d'accès", "passkey.nojs": "Les clés d'accès nécessitent JavaScript. Revenez en arrière et choisissez une autre méthode.",
		"passkey.add.title": "Ajouter une clé d'accès ?", "passkey.add.hint": "La prochaine fois, connectez-vous avec votre empreinte, votre visage ou le verrouillage de l'écran au lieu d'un mot de passe.",
		"passkey.add": "Ajouter une clé d'accès", "passkey.skip": "Plus tard",
		"err.passkey": "La clé d'accès n'a pas pu être utilisée. Réessayez ou choisissez une autre méthode.",
	},
	"de": {
		"mfa.email.to": "Geben Sie den Code ein, den wir an %s gesendet haben.", "mfa.sms.to": "Geben Sie den Code ein, den wir per SMS an %s gesendet haben.",
		"next": "Weiter", "choice.title": "Anmeldeart wählen", "choice.as": "Anmeldung als",
		"choice.PASSWORD": "Passwort", "choice.EMAIL_OTP": "Code per E-Mail senden", "choice.SMS_OTP": "Code per SMS senden", "choice.WEB_AUTHN": "Passkey",
		"password.title": "Passwort eingeben",
		"passkey.title":  "Mit einem Passkey anmelden", "passkey.hint": "Verwenden Sie den Passkey auf diesem Gerät oder Ihren Sicherheitsschlüssel.",
		"passkey.signin": "Passkey verwenden", "passkey.nojs": "Passkeys benötigen JavaScript. Gehen Sie zurück und wählen Sie eine andere Anmeldeart.",
		"passkey.add.title": "Passkey hinzufügen?", "passkey.add.hint": "Melden Sie sich künftig mit Fingerabdruck, Gesicht oder Bildschirmsperre statt mit einem Passwort an.",
		"passkey.add": "Passkey hinzufügen", "passkey.skip": "Nicht jetzt",
		"err.passkey": "Der Passkey konnte nicht verwendet werden. Versuchen Sie es erneut oder wählen Sie eine andere Art.",
	},
	"es": {
		"mfa.email.to": "Introduzca el código que enviamos a %s.", "mfa.sms.to": "Introduzca el código que enviamos por SMS al %s.",
		"next": "Siguiente", "choice.title": "Elija cómo iniciar sesión", "choice.as": "Iniciando sesión como",
		"choice.PASSWORD": "Contraseña", "choice.EMAIL_OTP": "Enviarme un código por correo", "choice.SMS_OTP": "Enviarme un código por SMS", "choice.WEB_AUTHN": "Clave de acceso",
		"password.title": "Introduzca su contraseña",
		"passkey.title":  "Iniciar sesión con una clave de acceso", "passkey.hint": "Use la clave de acceso de este dispositivo o su llave de seguridad.",
		"passkey.signin": "Usar la clave de acceso", "passkey.nojs": "Las claves de acceso necesitan JavaScript. Vuelva atrás y elija otro método.",
		"passkey.add.title": "¿Añadir una clave de acceso?", "passkey.add.hint": "La próxima vez, inicie sesión con su huella, su cara o el bloqueo de pantalla en lugar de una contraseña.",
		"passkey.add": "Añadir una clave de acceso", "passkey.skip": "Ahora no",
		"err.passkey": "No se pudo usar la clave de acceso. Inténtelo de nuevo o elija otro método.",
	},
	"pt": {
		"mfa.email.to": "Digite o código que enviamos para %s.", "mfa.sms.to": "Digite o código que enviamos por SMS para %s.",
		"next": "Avançar", "choice.title": "Escolha como entrar", "choice.as": "Entrando como",
		"choice.PASSWORD": "Senha", "choice.EMAIL_OTP": "Receber um código por e-mail", "choice.SMS_OTP": "Receber um código por SMS", "choice.WEB_AUTHN": "Chave de acesso",
		"password.title": "Digite sua senha",
		"passkey.title":  "Entrar com uma chave de acesso", "passkey.hint": "Use a chave de acesso deste dispositivo ou sua chave de segurança.",
		"passkey.signin": "Usar chave de acesso", "passkey.nojs": "Chaves de acesso precisam de JavaScript. Volte e escolha outra forma de entrar.",
		"passkey.add.title": "Adicionar uma chave de acesso?", "passkey.add.hint": "Da próxima vez, entre com sua impressão digital, rosto ou bloqueio de tela em vez de uma senha.",
		"passkey.add": "Adicionar chave de acesso", "passkey.skip": "Agora não",
		"err.passkey": "Não foi possível usar a chave de acesso. Tente novamente ou escolha outra forma.",
	},
	"ja": {
		"mfa.email.to": "%s に送信されたコードを入力してください。", "mfa.sms.to": "SMS で %s に送信されたコードを入力してください。",
		"next": "次へ", "choice.title": "サインイン方法を選択", "choice.as": "サインイン中のユーザー",
		"choice.PASSWORD": "パスワード", "choice.EMAIL_OTP": "メールでコードを受け取る", "choice.SMS_OTP": "SMS でコードを受け取る", "choice.WEB_AUTHN": "パスキー",
		"password.title": "パスワードを入力",
		"passkey.title":  "パスキーでサインイン", "passkey.hint": "このデバイスのパスキーまたはセキュリティキーを使用してください。",
		"passkey.signin": "パスキーを使用", "passkey.nojs": "パスキーには JavaScript が必要です。戻って別の方法を選択してください。",
		"passkey.add.title": "パスキーを追加しますか?", "passkey.add.hint": "次回からはパスワードの代わりに指紋、顔、画面ロックでサインインできます。",
		"passkey.add": "パスキーを追加", "passkey.skip": "後で",
		"err.passkey": "パスキーを使用できませんでした。もう一度試すか、別の方法を選択してください。",
	},
}
