-- 0006: what the security review of issue 8 needs. Forward only: never
-- edit once applied. Times are UTC DATETIME(6).
--
-- Sign-ups that meet an email already taken are counted per client
-- address (scope 'signup_address'), so probing for accounts is bounded.
ALTER TABLE login_throttle
	MODIFY scope ENUM('login_address','login_email','reauth',
	    'forgot_address','forgot_email','signup_address') NOT NULL;

-- A refused replay of a TOTP code tells the user by mail at most once
-- per mfa.replay_mail_minutes: when the last such mail was queued.
ALTER TABLE users
	ADD COLUMN mfa_replay_mailed_at DATETIME(6) NULL AFTER mfa_last_step;
